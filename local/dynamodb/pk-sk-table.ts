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
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  if (options.pitr) {
    await client.send(new UpdateContinuousBackupsCommand({ TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  }
  return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
}
