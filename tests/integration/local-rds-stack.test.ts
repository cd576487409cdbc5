import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { waitFor } from './support/local-rds-bed.js';

describe('the local stack serves RDS and the RDS Data API through AWS_ENDPOINT_URL_RDS / _RDS_DATA', () => {
  let local: TestStack;

  beforeAll(async () => {
    local = await startTestStack();
  });

  afterAll(async () => {
    await local?.stop();
  });

  it('publishes both endpoints, and SDK clients made with no endpoint (as handlers make them) reach them', async () => {
    const environment = local.stack.environment;
    expect(environment.AWS_ENDPOINT_URL_RDS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(environment.AWS_ENDPOINT_URL_RDS_DATA).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The handlers' environment: their clients read the endpoints from it.
    expect(process.env.AWS_ENDPOINT_URL_RDS).toBe(environment.AWS_ENDPOINT_URL_RDS);
    const rds = new RDSClient({});
    const data = new RDSDataClient({ maxAttempts: 1 });
    const secrets = new SecretsManagerClient({});
    try {
      // A stack that made no database has started no engine.
      expect((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances).toEqual([]);
      const secretArn = local.stack.rds.drillDatabaseSecretArn;
      const { username, password } = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!) as { username: string; password: string };
      const cluster = await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'demo-orders', Engine: 'aurora-postgresql', MasterUsername: username, MasterUserPassword: password, EnableHttpEndpoint: true }));
      await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'demo-orders-1', DBClusterIdentifier: 'demo-orders', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
      await waitFor(async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'demo-orders-1' }))).DBInstances![0]!.DBInstanceStatus === 'available');
      const answer = await data.send(new ExecuteStatementCommand({ resourceArn: cluster.DBCluster!.DBClusterArn!, secretArn, sql: 'SELECT 41 + 1 AS answer', formatRecordsAs: 'JSON' }));
      expect(JSON.parse(answer.formattedRecords!)).toEqual([{ answer: 42 }]);
    } finally {
      rds.destroy();
      data.destroy();
      secrets.destroy();
    }
  });
});
