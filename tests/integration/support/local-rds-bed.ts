import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { startLocalRds } from '../../../local/rds/index.js';
import type { RdsBusEvent } from '../../../local/rds/rds-events.js';
import { localSecretReader } from '../../../local/rds/secret-reader.js';
import { startLocalSecretsManager } from '../../../local/secrets-manager.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../../local/stack-config.js';

/** Polls `condition` every 100 ms until it holds (vitest's test timeout bounds the wait). */
export async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The local RDS and Data API with a local Secrets Manager holding the master credentials (and a secret that is not them). */
export async function startLocalRdsForTests() {
  const masterUsername = 'postgres';
  const masterPassword = 'local-master-password';
  const secrets = await startLocalSecretsManager({
    host: LOCAL_HOST,
    port: 0,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    secrets: [
      { name: 'orders-db/master', description: 'master credentials', generate: () => JSON.stringify({ username: masterUsername, password: masterPassword }) },
      { name: 'orders-db/other', description: 'not the master credentials', generate: () => JSON.stringify({ username: masterUsername, password: 'guessed' }) },
    ],
  });
  const reader = localSecretReader(secrets.endpoint);
  const events: RdsBusEvent[] = [];
  const local = await startLocalRds({ host: LOCAL_HOST, port: 0, dataApiPort: 0, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, readSecret: reader.read, backupIntervalMs: 200, onEvent: (event) => events.push(event) });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const rds = new RDSClient({ ...clientConfig, endpoint: local.endpoint });
  return {
    endpoint: local.endpoint,
    dataApiEndpoint: local.dataApiEndpoint,
    masterUsername,
    masterPassword,
    /** What the local RDS put on the event bus, in order. */
    events,
    faults: local.faults,
    secretArn: secrets.arns['orders-db/master']!,
    otherSecretArn: secrets.arns['orders-db/other']!,
    rdsClient: () => new RDSClient({ ...clientConfig, endpoint: local.endpoint }),
    dataClient: () => new RDSDataClient({ ...clientConfig, endpoint: local.dataApiEndpoint, maxAttempts: 1 }),
    cliEnvironment: () => ({ ...process.env, AWS_REGION: LOCAL_REGION, AWS_DEFAULT_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }),
    /** Waits until the instance is available, and returns it. */
    async waitForInstance(identifier: string): Promise<DBInstance> {
      let found: DBInstance | undefined;
      await waitFor(async () => {
        found = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0];
        if (found?.DBInstanceStatus === 'failed') throw new Error(`${identifier} failed to start`);
        return found?.DBInstanceStatus === 'available';
      });
      return found!;
    },
    /** Waits until a cluster's (or instance's) LatestRestorableTime has reached `at`. */
    async waitForRestorable(identifier: string, at: number, kind: 'cluster' | 'instance' = 'cluster'): Promise<void> {
      await waitFor(async () => {
        const latest =
          kind === 'cluster'
            ? (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }))).DBClusters![0]!.LatestRestorableTime
            : (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0]!.LatestRestorableTime;
        return latest !== undefined && latest.getTime() >= at;
      });
    },
    async stop(): Promise<void> {
      rds.destroy();
      await local.stop();
      reader.close();
      await secrets.stop();
    },
  };
}
export type RdsTestBed = Awaited<ReturnType<typeof startLocalRdsForTests>>;
