import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateContinuousBackupsCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

/**
 * An application table with string keys `pk` (partition) and `sk` (sort), on demand, as the example drill plans
 * expect their sources: the demo seeds one, tests make sources and stand-in restored tables. Waits until ACTIVE.
 */
export async function createPkSkTable(client: DynamoDBClient, tableName: string, options: { pitr?: boolean } = {}): Promise<TableDescription> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // The SDK waiter's default first pause is 20 s, sized for AWS: a local table still CREATING at the first look is ACTIVE
  // within milliseconds, and that pause was a test's 20 s (or the demo's) whenever the look came first.
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 0.05, maxDelay: 1 }, { TableName: tableName });
  if (options.pitr) {
    await client.send(new UpdateContinuousBackupsCommand({ TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  }
  return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
}
