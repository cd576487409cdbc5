import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodbClient } from '../../dynamodb-client.js';

/** A table's primary key attribute names. */
export interface TableKey {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** The key attribute names, from DescribeTable. */
export async function tableKeyOf(tableName: string): Promise<TableKey> {
  const { Table } = await dynamodbClient.send(new DescribeTableCommand({ TableName: tableName }));
  const named = (keyType: 'HASH' | 'RANGE') => Table?.KeySchema?.find((element) => element.KeyType === keyType)?.AttributeName;
  const partitionKey = named('HASH');
  if (!partitionKey) throw new Error(`DescribeTable of ${tableName} named no partition key`);
  const sortKey = named('RANGE');
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

/** Just the key attributes of an item. */
export function keyOfItem(key: TableKey, item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const names = key.sortKey ? [key.partitionKey, key.sortKey] : [key.partitionKey];
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}
