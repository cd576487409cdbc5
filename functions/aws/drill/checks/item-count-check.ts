import { DescribeBackupCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { itemCountVerdict, type CheckVerdict, type ItemCountBasis } from '../../../domain/drill/check-verdicts.js';
import { itemCountBasisOf, scansSource } from '../../../domain/drill/item-count-baseline.js';
import { sumSegmentCounts, type CountRequest, type SegmentProgress, type SegmentScan } from '../../../domain/drill/scan-segments.js';
import type { ObjectProgress, ObjectScan } from '../../../domain/drill/object-segments.js';
import { countedBaselineVerdict, maxBaselineAgeMinutesOf } from '../../../domain/drill/source-counts.js';
import { requireEnvironment } from '../../environment.js';
import { countFinishedBy } from '../source-counts-store.js';
import { dynamodbClient } from '../../dynamodb-client.js';
import { exactDocuments } from './exact-documents.js';

type ItemCountCheck = Extract<DrillCheck, { type: 'item-count' }>;

/** The Map's counts for this run, when validation fanned out (executions started before it did have none). */
export interface FannedOutCounts {
  readonly scans: readonly (SegmentScan | ObjectScan)[];
  readonly counted: readonly (SegmentProgress | ObjectProgress)[];
}

/** Exact item count by a paginated Scan (Select COUNT) in this one invocation: DescribeTable's ItemCount lags by hours. */
export async function countItems(tableName: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await exactDocuments.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** TableSizeBytes and ItemCount as DescribeTable gives them (DynamoDB refreshes both about every 6 hours). */
async function describedTable(tableName: string): Promise<{ sizeBytes?: number; itemCount?: number }> {
  const { Table } = await dynamodbClient.send(new DescribeTableCommand({ TableName: tableName }));
  return { ...(Table?.TableSizeBytes !== undefined && { sizeBytes: Table.TableSizeBytes }), ...(Table?.ItemCount !== undefined && { itemCount: Table.ItemCount }) };
}

/** What the fan-out counts for one item-count check: the restored table, and the source only when the plan asks; sized by the larger table. */
export async function itemCountRequest(check: ItemCountCheck, checkId: string, context: DrillCheckContext): Promise<CountRequest> {
  const withSource = scansSource(check);
  const tables = [{ role: 'restored' as const, tableName: context.restoredTableName }, ...(withSource ? [{ role: 'source' as const, tableName: context.sourceTableName }] : [])];
  if (check.segments !== undefined) return { checkId, tables, segments: check.segments };
  const sizes = await Promise.all([describedTable(context.restoredTableName), describedTable(context.sourceTableName)]);
  const known = sizes.flatMap((size) => (size.sizeBytes === undefined ? [] : [size.sizeBytes]));
  return { checkId, tables, ...(known.length > 0 && { sizeBytes: Math.max(...known) }) };
}

/** The baseline's count: what DescribeBackup recorded for the backup restored, or the source's DescribeTable ItemCount. */
async function recordedCount(basis: Exclude<ItemCountBasis, 'plan' | 'source' | 'counted'>, context: DrillCheckContext): Promise<{ count: number; read: Record<string, unknown> }> {
  if (basis === 'backup-item-count') {
    const backupArn = context.recoveryPoint.id!;
    const { BackupDescription } = await dynamodbClient.send(new DescribeBackupCommand({ BackupArn: backupArn }));
    const count = BackupDescription?.SourceTableDetails?.ItemCount;
    if (count === undefined) throw new Error(`DescribeBackup ${backupArn} records no ItemCount: set the check's expected, or baseline: source-scan`);
    const sizeBytes = BackupDescription?.SourceTableDetails?.TableSizeBytes;
    return { count, read: { baselineFrom: backupArn, ...(sizeBytes !== undefined && { baselineSizeBytes: sizeBytes }) } };
  }
  const { itemCount, sizeBytes } = await describedTable(context.sourceTableName);
  if (itemCount === undefined) throw new Error(`DescribeTable ${context.sourceTableName} gives no ItemCount: set the check's expected, or baseline: source-scan`);
  return { count: itemCount, read: { baselineFrom: context.sourceTableName, ...(sizeBytes !== undefined && { baselineSizeBytes: sizeBytes }) } };
}

/**
 * The restored table's count against the plan's number, the recovery point's record, or (only if the plan asks) a scan
 * of the source. Counts come summed from the fan-out's segments, or, in executions started before it, from one scan here.
 */
export async function itemCountCheck(check: ItemCountCheck, checkId: string, context: DrillCheckContext, fannedOut?: FannedOutCounts): Promise<CheckVerdict> {
  const counted = async (role: 'restored' | 'source', tableName: string) => {
    if (!fannedOut) return { count: await countItems(tableName), read: { counting: 'one scan in one invocation' } };
    const sum = sumSegmentCounts(fannedOut.scans, fannedOut.counted, checkId, role);
    return { count: sum.count, read: { counting: 'parallel scan', segments: sum.totalSegments, pages: sum.pages, invocations: sum.invocations } };
  };
  const basis = itemCountBasisOf(check, context.recoveryPoint);
  if (basis === 'counted') {
    // The canary writer's count of the source nearest before the recovery point; its age named, a stale one failing.
    const [restored, baseline] = await Promise.all([
      counted('restored', context.restoredTableName),
      countFinishedBy(requireEnvironment('DEDUPLICATION_TABLE_NAME'), context.planId, checkId, context.recoveryPoint.at),
    ]);
    return countedBaselineVerdict({ actual: restored.count, baseline: baseline?.tableName === context.sourceTableName ? baseline : undefined, recoveryPointAt: context.recoveryPoint.at, maxAgeMinutes: maxBaselineAgeMinutesOf(check), tolerancePercent: check.tolerancePercent, read: restored.read });
  }
  const [restored, baseline] = await Promise.all([
    counted('restored', context.restoredTableName),
    basis === 'plan'
      ? Promise.resolve({ count: check.expected!, read: {} })
      : basis === 'source'
        ? counted('source', context.sourceTableName).then(({ count, read }) => ({ count, read: { source: read } }))
        : recordedCount(basis, context),
  ]);
  return itemCountVerdict(restored.count, baseline.count, check.tolerancePercent, basis, { ...restored.read, ...baseline.read });
}
