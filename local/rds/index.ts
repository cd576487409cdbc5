import { LocalRdsCatalog } from './catalog.js';
import { startLocalDataApi } from './data-api.js';
import { rdsOperations } from './operations.js';
import { startQueryProtocolService } from './query-protocol.js';
import type { RdsBusEvent } from './rds-events.js';
import { RdsFaults } from './rds-faults.js';

/*
 * The local RDS (AWS_ENDPOINT_URL_RDS, Query protocol) and RDS Data API (AWS_ENDPOINT_URL_RDS_DATA) over real
 * Postgres engines (PGlite), each engine started only when a database is created or restored: a stack that
 * never makes one never loads PGlite.
 */

export interface LocalRdsOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataApiPort: number;
  readonly region: string;
  readonly accountId: string;
  /** The Data API's secret check: a secret's SecretString by ARN or name (the local Secrets Manager). */
  readonly readSecret: (secretArn: string) => Promise<string>;
  /** PITR granularity: how often each engine's WAL position is read. @default 1000 */
  readonly backupIntervalMs?: number;
  /** Extra time a new or restored database stays `creating` (simulated restore time). @default 0 */
  readonly createDelayMs?: number;
  /** How long a deleted database stays `deleting`. @default 0 */
  readonly deleteDelayMs?: number;
  readonly log?: (line: string) => void;
  /** Where RDS's events go ("RDS DB Instance Event", ...): the stack's default event bus. @default dropped */
  readonly onEvent?: (event: RdsBusEvent) => void;
}

export interface LocalRds {
  readonly endpoint: string;
  readonly dataApiEndpoint: string;
  readonly catalog: LocalRdsCatalog;
  readonly faults: RdsFaults;
  stop(): Promise<void>;
}

export async function startLocalRds(options: LocalRdsOptions): Promise<LocalRds> {
  const catalog = new LocalRdsCatalog();
  const faults = new RdsFaults();
  const operations = rdsOperations(catalog, {
    host: options.host,
    region: options.region,
    accountId: options.accountId,
    backupIntervalMs: options.backupIntervalMs ?? 1000,
    createDelayMs: options.createDelayMs ?? 0,
    deleteDelayMs: options.deleteDelayMs ?? 0,
    log: options.log ?? (() => undefined),
    emit: (event) => options.onEvent?.(event),
    faults,
  });
  const rds = await startQueryProtocolService({ host: options.host, port: options.port, serviceName: 'RDS', operations });
  const dataApi = await startLocalDataApi({ host: options.host, port: options.dataApiPort, catalog, readSecret: options.readSecret });
  return {
    endpoint: rds.endpoint,
    dataApiEndpoint: dataApi.endpoint,
    catalog,
    faults,
    stop: async () => {
      await dataApi.stop();
      await rds.close();
      const engines = new Set([...catalog.clusters.values(), ...catalog.instances.values()].flatMap((database) => (database.postgres ? [database.postgres] : [])));
      for (const engine of engines) await engine.stop();
    },
  };
}
