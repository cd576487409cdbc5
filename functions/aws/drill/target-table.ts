import { DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { RestoreHandle, RestoreProgress } from '../../domain/drill/restore.js';
import { dynamodbClient } from '../dynamodb-client.js';

/** A restore's new table may not be visible for a moment after the restore was asked for; past this, missing means failed. */
export const MISSING_TABLE_GRACE_MS = 2 * 60_000;

/** An AWS SDK error by its name (instanceof fails across SDK copies and mocks). */
export const isAwsError = (error: unknown, ...names: readonly string[]): boolean =>
  error instanceof Error && names.includes(error.name);

/** The AWS error as text for a drill's record: its name and message. */
export const awsErrorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** DescribeTable, with a missing table as undefined. */
export async function describeTableIfExists(tableName: string): Promise<TableDescription | undefined> {
  try {
    const { Table } = await dynamodbClient.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** How far a DynamoDB restore into handle.restored.name has got, from the table's status. */
export async function restoredTableProgress(handle: RestoreHandle, now: Date = new Date()): Promise<RestoreProgress> {
  const table = await describeTableIfExists(handle.restored.name);
  if (!table) {
    const sinceStartMs = now.getTime() - Date.parse(handle.startedAt);
    if (sinceStartMs <= MISSING_TABLE_GRACE_MS) return { state: 'IN_PROGRESS', handle };
    return { state: 'FAILED', handle, reason: `${handle.restored.name} does not exist ${Math.round(sinceStartMs / 1000)} s after the restore started` };
  }
  switch (table.TableStatus) {
    case 'CREATING':
      return { state: 'IN_PROGRESS', handle };
    case 'ACTIVE':
      return { state: 'COMPLETED', handle };
    default:
      return { state: 'FAILED', handle, reason: `${handle.restored.name} is ${table.TableStatus ?? 'of unknown status'}, not CREATING or ACTIVE` };
  }
}
