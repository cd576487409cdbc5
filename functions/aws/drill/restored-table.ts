import { DeleteTableCommand, ListTagsOfResourceCommand, TagResourceCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { decideTableCleanup } from '../../domain/drill/cleanup-guard.js';
import type { RestoreHandle, RestoredCleanupResult } from '../../domain/drill/restore.js';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../../domain/drill-naming.js';
import { dynamodbClient } from '../dynamodb-client.js';
import { DrillClaimRefused } from './restore-driver.js';
import { describeTableIfExists, isAwsError } from './target-table.js';

/** A table older than the restore by more than this was not made by it (allows for clock skew between Lambda and DynamoDB). */
const CREATION_SKEW_MS = 60_000;

export { DrillClaimRefused };

/**
 * Tags the table a completed restore made as this run's (what cleanup requires before it deletes anything), after
 * checking it is that table: the drill's name, ACTIVE, created by this restore, restored from this source.
 */
export async function claimRestoredTable(claim: { readonly handle: RestoreHandle; readonly runId: string; readonly planId: string }): Promise<void> {
  const { handle, runId, planId } = claim;
  const table = await describeTableIfExists(handle.restored.name);
  const tableArn = restoredTableArn(handle, table);
  await dynamodbClient.send(
    new TagResourceCommand({
      ResourceArn: tableArn,
      Tags: [
        { Key: DRILL_RUN_TAG, Value: runId },
        { Key: DRILL_PLAN_TAG, Value: planId },
      ],
    }),
  );
}

/** The table's ARN if it is provably the one this restore made; DrillClaimRefused, naming the failed condition, if not. */
function restoredTableArn(handle: RestoreHandle, table: TableDescription | undefined): string {
  const name = handle.restored.name;
  if (!name.startsWith(DRILL_TABLE_PREFIX)) throw new DrillClaimRefused(`${name} does not start with the drill prefix "${DRILL_TABLE_PREFIX}"`);
  if (!table?.TableArn) throw new DrillClaimRefused(`${name} does not exist`);
  if (table.TableName !== name) throw new DrillClaimRefused(`DescribeTable of ${name} answered for ${table.TableName ?? 'no table name'}`);
  if (table.TableStatus !== 'ACTIVE') throw new DrillClaimRefused(`${name} is ${table.TableStatus ?? 'of unknown status'}, not ACTIVE`);
  const createdMs = table.CreationDateTime?.getTime();
  const earliestMs = Date.parse(handle.startedAt) - CREATION_SKEW_MS;
  if (createdMs === undefined || createdMs < earliestMs) {
    throw new DrillClaimRefused(
      `${name} was created at ${table.CreationDateTime?.toISOString() ?? 'an unknown time'}, before this restore started (${handle.startedAt}): it is not the restore's table`,
    );
  }
  const summary = table.RestoreSummary;
  // An AWS Backup restore job fails after StartRestoreJob answered: a table of the drill's name is then someone else's.
  if ((handle.driver === 'dynamodb-pitr' || handle.driver === 'aws-backup') && summary?.SourceTableArn !== handle.source.arn) {
    throw new DrillClaimRefused(`${name} was not restored from ${handle.source.arn} (its RestoreSummary names ${summary?.SourceTableArn ?? 'no source table'})`);
  }
  if (handle.driver === 'dynamodb-backup') {
    const backupArn = handle.recoveryPoint.id ?? handle.createdBackupArn;
    if (!backupArn || summary?.SourceBackupArn !== backupArn) {
      throw new DrillClaimRefused(`${name} was not restored from backup ${backupArn ?? '(none named)'} (its RestoreSummary names ${summary?.SourceBackupArn ?? 'no backup'})`);
    }
  }
  return table.TableArn;
}

export type TableCleanupResult = { readonly status: 'DELETED' | 'NOT_FOUND' | 'WAITING' | 'REFUSED'; readonly reason?: string };

/**
 * Deletes the table a run restored, only if the cleanup guard allows it (drill prefix, not the source, this run's tag).
 * A table still being created or deleted is WAITING: look again later. Deletes nothing on any other path.
 */
export async function cleanUpRestoredTable(request: {
  readonly tableName: string;
  readonly runId: string;
  readonly sourceTableName: string;
  /** The restore that should have made the table: lets cleanup claim a table whose restore ended after the drill stopped waiting. */
  readonly handle?: RestoreHandle;
  /** For that late claim's plan tag. @default read from the table name (`irdr-drill-<planId>-<runId>`) */
  readonly planId?: string;
}): Promise<TableCleanupResult> {
  const { tableName, runId, sourceTableName, handle } = request;
  const table = await describeTableIfExists(tableName);
  if (!table) return { status: 'NOT_FOUND' };
  const status = table.TableStatus;
  if (status === 'CREATING' || status === 'UPDATING' || status === 'DELETING') return { status: 'WAITING', reason: `${tableName} is ${status}` };
  if (!table.TableArn) return { status: 'REFUSED', reason: `${tableName} has no ARN to read its tags by` };

  let tags = await tagsOf(table.TableArn);
  if (status === 'ACTIVE' && tags[DRILL_RUN_TAG] !== runId && handle?.restored.name === tableName) {
    // The restore may have completed after the drill stopped waiting for it: claim it now, if it is provably the restore's.
    try {
      await claimRestoredTable({ handle, runId, planId: request.planId ?? planIdIn(tableName, runId) });
    } catch (error) {
      if (error instanceof DrillClaimRefused) return { status: 'REFUSED', reason: error.message };
      throw error;
    }
    tags = await tagsOf(table.TableArn);
  }

  const decision = decideTableCleanup({ tableName, tags, runId, sourceTableName });
  if (!decision.allowed) return { status: 'REFUSED', reason: decision.reason };
  try {
    await dynamodbClient.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return { status: 'NOT_FOUND' };
    if (isAwsError(error, 'ResourceInUseException')) return { status: 'WAITING', reason: `${tableName} is in use: ${(error as Error).message}` };
    throw error;
  }
  return { status: 'DELETED' };
}

async function tagsOf(resourceArn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await dynamodbClient.send(new ListTagsOfResourceCommand({ ResourceArn: resourceArn, NextToken: nextToken }));
    for (const tag of page.Tags ?? []) if (tag.Key !== undefined && tag.Value !== undefined) tags[tag.Key] = tag.Value;
    nextToken = page.NextToken;
  } while (nextToken);
  return tags;
}

/** The plan id in a drill table name `irdr-drill-<planId>-<runId>` (see drillTableName). */
function planIdIn(tableName: string, runId: string): string {
  const withoutPrefix = tableName.slice(DRILL_TABLE_PREFIX.length);
  return withoutPrefix.endsWith(`-${runId}`) ? withoutPrefix.slice(0, -(runId.length + 1)) : withoutPrefix;
}

/**
 * The restored table's cleanup as a driver does it: the table through the guard, then (once the table is gone or
 * never was) what the driver itself made besides it.
 */
export async function cleanUpTableRestore(
  handle: RestoreHandle,
  runId: string,
  cleanUpExtras: (handle: RestoreHandle) => Promise<string[]> = async () => [],
): Promise<RestoredCleanupResult> {
  const result = await cleanUpRestoredTable({ tableName: handle.restored.name, runId, sourceTableName: handle.source.name, handle });
  if (result.status === 'WAITING' || result.status === 'REFUSED') return { ...result, deletedExtras: [] };
  return { ...result, deletedExtras: await cleanUpExtras(handle) };
}
