import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LOCAL_CREDENTIALS, LOCAL_DRILL_DATABASE_SECRET_NAME, LOCAL_REGION } from '../stack-config.js';

/*
 * The demo's database side: the Aurora PostgreSQL orders cluster workflows/drills/orders-aurora.yaml drills, with
 * 200 orders and the closed 2025 ledger whose checksum the plan records, on the local RDS (PGlite).
 */

export const DEMO_CLUSTER = 'irdr-demo-orders-db';
const ORDERS = 200;
const ACCOUNTS = ['cash', 'revenue', 'fees', 'tax'];
const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

export interface DemoDatabaseEndpoints {
  readonly rds: string;
  readonly rdsData: string;
  readonly secretsManager: string;
}

const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
  for (let look = 0; look < 1200; look += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the demo database: ${what} did not happen`);
};

/** Runs statements on the demo cluster through the Data API, as the master user. */
async function execute(endpoints: DemoDatabaseEndpoints, statements: readonly string[]): Promise<void> {
  const rds = new RDSClient({ ...config, endpoint: endpoints.rds });
  const data = new RDSDataClient({ ...config, endpoint: endpoints.rdsData });
  try {
    const resourceArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: DEMO_CLUSTER }))).DBClusters![0]!.DBClusterArn!;
    for (const sql of statements) await data.send(new ExecuteStatementCommand({ resourceArn, secretArn: LOCAL_DRILL_DATABASE_SECRET_NAME, sql }));
  } finally {
    rds.destroy();
    data.destroy();
  }
}

/** Creates the orders cluster (once; databases live as long as the stack's process) and seeds orders and the closed ledger. */
export async function seedOrdersCluster(endpoints: DemoDatabaseEndpoints): Promise<void> {
  const rds = new RDSClient({ ...config, endpoint: endpoints.rds });
  const secrets = new SecretsManagerClient({ ...config, endpoint: endpoints.secretsManager });
  try {
    const exists = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: DEMO_CLUSTER })).then(() => true, () => false);
    if (exists) return;
    const master = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: LOCAL_DRILL_DATABASE_SECRET_NAME }))).SecretString!) as { username: string; password: string };
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: DEMO_CLUSTER, Engine: 'aurora-postgresql', MasterUsername: master.username, MasterUserPassword: master.password, EnableHttpEndpoint: true }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: `${DEMO_CLUSTER}-1`, DBClusterIdentifier: DEMO_CLUSTER, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await until(async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${DEMO_CLUSTER}-1` }))).DBInstances?.[0]?.DBInstanceStatus === 'available', 'the cluster becoming available');
  } finally {
    rds.destroy();
    secrets.destroy();
  }
  const orders = Array.from({ length: ORDERS }, (_, index) => `(${index + 1}, 'customer-${index % 37}', ${1000 + ((index * 7919) % 50_000)})`);
  // Amounts 100.00 ... 1200.00 over four accounts: the rows the plan's closed-ledger checksum was recorded from.
  const ledger = Array.from({ length: 12 }, (_, index) => `('2025', ${index + 1}, '${ACCOUNTS[index % ACCOUNTS.length]}', ${100 * (index + 1)})`);
  await execute(endpoints, [
    'CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total_cents int NOT NULL)',
    `INSERT INTO orders VALUES ${orders.join(', ')}`,
    'CREATE TABLE ledger (period text, line int, account text NOT NULL, amount numeric(12,2) NOT NULL, PRIMARY KEY (period, line))',
    `INSERT INTO ledger VALUES ${ledger.join(', ')}`,
  ]);
}

/** Someone changes a closed 2025 ledger line in the live cluster: the next restore no longer matches the recorded checksum. */
export async function alterClosedLedgerLine(endpoints: DemoDatabaseEndpoints): Promise<void> {
  await execute(endpoints, ["UPDATE ledger SET amount = 1.00 WHERE period = '2025' AND line = 7"]);
}

/** Waits until the cluster's latest restorable time has passed now, so a drill restoring the newest point holds every write so far. */
export async function waitUntilClusterRestorable(endpoints: DemoDatabaseEndpoints): Promise<void> {
  const rds = new RDSClient({ ...config, endpoint: endpoints.rds });
  const writtenBy = Date.now() + 1000;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await until(async () => ((await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: DEMO_CLUSTER }))).DBClusters?.[0]?.LatestRestorableTime?.getTime() ?? 0) >= writtenBy, 'the cluster becoming restorable');
  } finally {
    rds.destroy();
  }
}
