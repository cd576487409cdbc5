import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamodb } from '../dynamodb-client.js';

/** Puts (overwrites) the canary item into the source table. */
export async function putCanary(tableName: string, item: Record<string, unknown>): Promise<void> {
  await dynamodb.send(new PutCommand({ TableName: tableName, Item: item }));
}
