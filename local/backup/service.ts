import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import type { BusEvent } from '../eventbridge/event-bus.js';
import { BackupCatalog } from './catalog.js';
import { dynamodbKind } from './dynamodb-kind.js';
import { JobRunner } from './jobs.js';
import { rdsKinds } from './rds-kind.js';
import { s3Kind } from './s3-kind.js';
import { backupRoutes } from './operations.js';
import type { BackupResourceKind } from './resource-kind.js';
import { startRestJsonServer } from './rest-json.js';
import { restoreTestingRoutes } from './restore-testing-operations.js';
import { RestoreTestingRunner } from './restore-testing-runner.js';

/*
 * AWS Backup on this machine, at the wire (restJson1), so `aws backup ...` and @aws-sdk/client-backup reach it through
 * AWS_ENDPOINT_URL_BACKUP unchanged. Recovery points are made over each resource type's own backups (DynamoDB: the
 * local DynamoDB's CreateBackup and RestoreTableFromBackup; S3: the local S3's object versions; RDS and Aurora: the local RDS's snapshots); job state changes go to the local default bus.
 */

export interface LocalBackupOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** The local DynamoDB (with backups), and credentials it takes. */
  readonly dynamodb: { readonly endpoint: string; readonly credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The local S3, whose buckets it backs up (S3 recovery points); without it, DynamoDB only. */
  readonly s3?: { readonly endpoint: string; readonly credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The local RDS, whose instances and Aurora clusters it backs up (their own snapshots); without it, none. */
  readonly rds?: { readonly endpoint: string; readonly credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Each "Backup Job State Change" and "Restore Job State Change" event. */
  readonly emit: (event: BusEvent) => void;
  /** Where vaults, recovery points and jobs persist; in memory when undefined. */
  readonly file?: string;
  /** How often a job looks at the backup or restore it waits for. @default 50 */
  readonly pollMs?: number;
  /** Restore testing plans fire on their cron in schedule time, this many times faster than real time (as the local scheduler's); validation windows shrink alike. @default 1 */
  readonly timeScale?: number;
  readonly log?: (message: string) => void;
}

export interface LocalBackup {
  /** AWS_ENDPOINT_URL_BACKUP. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalBackup(options: LocalBackupOptions): Promise<LocalBackup> {
  const dynamodb = new DynamoDBClient({ endpoint: options.dynamodb.endpoint, region: options.region, credentials: options.dynamodb.credentials });
  const s3 = options.s3 && new S3Client({ endpoint: options.s3.endpoint, region: options.region, credentials: options.s3.credentials, forcePathStyle: true });
  const rds = options.rds && new RDSClient({ endpoint: options.rds.endpoint, region: options.region, credentials: options.rds.credentials });
  const kinds: BackupResourceKind[] = [dynamodbKind(dynamodb), ...(s3 ? [s3Kind(s3)] : []), ...(rds ? rdsKinds(rds) : [])];
  const catalog = new BackupCatalog(options.file);
  const kindOf = (resourceType: string): BackupResourceKind => {
    const kind = kinds.find((candidate) => candidate.resourceType === resourceType);
    if (!kind) throw new Error(`no local AWS Backup support for ${resourceType}`);
    return kind;
  };
  let restoreTesting: RestoreTestingRunner | undefined;
  const jobs = new JobRunner({
    catalog,
    kindOf,
    account: options.accountId,
    region: options.region,
    emit: options.emit,
    pollMs: options.pollMs ?? 50,
    onRestoreEnd: (job) => restoreTesting?.onRestoreEnd(job),
  });
  restoreTesting = new RestoreTestingRunner({
    catalog,
    kinds,
    jobs,
    account: options.accountId,
    region: options.region,
    ...(options.timeScale !== undefined && { timeScale: options.timeScale }),
    ...(options.log && { log: options.log }),
  });
  const now = Date.now;
  const server = await startRestJsonServer({
    host: options.host,
    port: options.port,
    serviceName: 'AWS Backup',
    routes: [
      ...backupRoutes({ catalog, kinds, jobs, account: options.accountId, region: options.region, now, onValidationResult: (job) => restoreTesting?.onValidationResult(job) }),
      ...restoreTestingRoutes({ catalog, kinds, runner: restoreTesting, account: options.accountId, region: options.region, now }),
    ],
  });
  restoreTesting.start();
  return {
    endpoint: server.endpoint,
    stop: async () => {
      restoreTesting.stop();
      jobs.stop();
      await server.stop();
      await catalog.save();
      dynamodb.destroy();
      s3?.destroy();
      rds?.destroy();
    },
  };
}
