import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTableCommand, DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbWithRecovery, type RunningDynamoDbWithRecovery } from '../../local/dynamodb/front.js';

const run = promisify(execFile);
const REGION = 'us-east-1';

/** The front's clock runs ahead on demand, so "more than 5 minutes ago" is reached without waiting. */
let skewMs = 0;

let dynamodb: RunningDynamoDbWithRecovery;
let client: DynamoDBClient;

/** Runs the real AWS CLI against the front (Debian's awscli ignores AWS_ENDPOINT_URL_*: the endpoint is a flag). */
async function aws(args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['dynamodb', ...args, '--endpoint-url', dynamodb.endpoint, '--output', 'json'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'clitest',
      AWS_SECRET_ACCESS_KEY: 'clitest',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
  });
  return stdout.trim() === '' ? {} : JSON.parse(stdout);
}

describe('the AWS CLI restores a table to a point in time through the DynamoDB front', () => {
  beforeAll(async () => {
    // As the local stack starts it: dynalite behind the front, the front's endpoint the only one used.
    dynamodb = await startDynamoDbWithRecovery({
      backend: 'embedded',
      host: '127.0.0.1',
      port: 0,
      region: REGION,
      accountId: '000000000000',
      restoreDuration: { baseMs: 300, perItemMs: 10 },
      now: () => new Date(Date.now() + skewMs),
      log: () => undefined,
    });
    client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: REGION, credentials: { accessKeyId: 'clitest', secretAccessKey: 'clitest' } });
    await client.send(
      new CreateTableCommand({
        TableName: 'cli-source',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  });
  afterAll(async () => {
    client?.destroy();
    await dynamodb?.stop();
  });

  it('update-continuous-backups, restore-table-to-point-in-time --use-latest-restorable-time, scan', async () => {
    await client.send(new PutItemCommand({ TableName: 'cli-source', Item: { id: { S: 'before-pitr' } } }));
    const enabled = await aws([
      'update-continuous-backups', '--table-name', 'cli-source',
      '--point-in-time-recovery-specification', 'PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=7',
    ]);
    expect(enabled.ContinuousBackupsDescription.PointInTimeRecoveryDescription).toMatchObject({ PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 7 });
    await client.send(new PutItemCommand({ TableName: 'cli-source', Item: { id: { S: 'after-pitr' } } }));
    skewMs += 6 * 60_000; // both writes are now older than LatestRestorableDateTime (now - 5 minutes)

    const described = await client.send(new DescribeContinuousBackupsCommand({ TableName: 'cli-source' }));
    const latestRestorable = described.ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.LatestRestorableDateTime!.getTime() / 1000;

    const restored = await aws([
      'restore-table-to-point-in-time', '--source-table-name', 'cli-source', '--target-table-name', 'cli-restored', '--use-latest-restorable-time',
    ]);
    expect(restored.TableDescription).toMatchObject({ TableName: 'cli-restored', TableStatus: 'CREATING', RestoreSummary: { RestoreInProgress: true } });
    expect(restored.TableDescription.RestoreSummary.RestoreDateTime).toBeCloseTo(latestRestorable, -1);

    // CREATING for the simulated restore duration, then ACTIVE (polled through the SDK: the CLI's waiter sleeps 20 s between polls).
    while ((await client.send(new DescribeTableCommand({ TableName: 'cli-restored' }))).Table?.TableStatus !== 'ACTIVE') {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const scanned = await aws(['scan', '--table-name', 'cli-restored']);
    expect(scanned.Items.map((item: { id: { S: string } }) => item.id.S).sort()).toEqual(['after-pitr', 'before-pitr']);

    const tooRecent = await aws([
      'restore-table-to-point-in-time', '--source-table-name', 'cli-source', '--target-table-name', 'cli-too-recent',
      '--restore-date-time', String((Date.now() + skewMs) / 1000),
    ]).catch((error: { stderr: string }) => error.stderr);
    expect(tooRecent).toContain('InvalidRestoreTimeException');
  });
});
