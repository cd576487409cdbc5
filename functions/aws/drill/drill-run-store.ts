import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillRunRecord } from '../../domain/drill/run-record.js';
import type { CoverageRun } from '../../domain/evidence/estate-coverage.js';
import { DRILL_PLAN_STATE_SK, META_SK, drillPlanPk, drillRunPk, monthPartition, timeOrderedSk } from '../../domain/keys.js';
import { tableDesign } from '../../domain/table-design.js';
import { dynamodb } from '../dynamodb-client.js';
import { queryMonthIndex } from '../month-index.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
const [byMonth, byDrill] = tableDesign.globalIndexes;

/** Writes a run's record when it starts; a retried start finds it there and leaves it. Returns whether it wrote. */
export async function putRunStarted(tableName: string, run: DrillRunRecord): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PK]: drillRunPk(run.runId),
          [SK]: META_SK,
          [byMonth.partitionKey]: monthPartition('DRILLRUN', run.startedAt),
          [byMonth.sortKey]: timeOrderedSk(run.startedAt, run.runId),
          [byDrill.partitionKey]: drillPlanPk(run.planId),
          [byDrill.sortKey]: timeOrderedSk(run.startedAt, run.runId),
          ...run,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Sets these fields of an existing run's record (undefined ones are left alone). */
export async function updateRun(tableName: string, runId: string, changes: Partial<DrillRunRecord>): Promise<DrillRunRecord> {
  const names: Record<string, string> = { '#pk': PK };
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || name === 'runId' || name === 'planId' || name === 'startedAt') continue;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    assignments.push(`#${name} = :${name}`);
  }
  if (assignments.length === 0) throw new Error('updateRun: nothing to change');
  const result = await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: drillRunPk(runId), [SK]: META_SK },
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return runFromItem(result.Attributes ?? {});
}

export async function getRun(tableName: string, runId: string): Promise<DrillRunRecord | undefined> {
  const result = await dynamodb.send(
    new GetCommand({ TableName: tableName, Key: { [PK]: drillRunPk(runId), [SK]: META_SK }, ConsistentRead: true }),
  );
  return result.Item ? runFromItem(result.Item) : undefined;
}

export interface DrillRunPage {
  readonly runs: DrillRunRecord[];
  /** Pass back as `after` for the next (older) page; absent when there is none. */
  readonly next?: string;
}

/** A plan's runs, newest first (GSI2: DRILL#<planId>). `after` is the GSI2 sort key of the last run seen. */
export async function listRunsOfPlan(tableName: string, planId: string, limit: number, after?: string): Promise<DrillRunPage> {
  const result = await dynamodb.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: byDrill.indexName,
      KeyConditionExpression: after ? '#pk = :pk AND #sk < :after' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': byDrill.partitionKey, ...(after && { '#sk': byDrill.sortKey }) },
      ExpressionAttributeValues: { ':pk': drillPlanPk(planId), ...(after && { ':after': after }) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const items = result.Items ?? [];
  const last = items.at(-1);
  return {
    runs: items.map(runFromItem),
    ...(result.LastEvaluatedKey && last && { next: String(last[byDrill.sortKey]) }),
  };
}

function runFromItem(item: Record<string, unknown>): DrillRunRecord {
  const {
    [PK]: _pk,
    [SK]: _sk,
    [byMonth.partitionKey]: _g1pk,
    [byMonth.sortKey]: _g1sk,
    [byDrill.partitionKey]: _g2pk,
    [byDrill.sortKey]: _g2sk,
    ...run
  } = item;
  return run as unknown as DrillRunRecord;
}

/** A plan's standing state: the failure incident its runs have open, if any. */
export interface DrillPlanState {
  readonly planId: string;
  readonly openFailureIncidentId?: string;
  /** The run that opened it. */
  readonly failedRunId?: string;
  readonly updatedAt: string;
}

export async function getPlanState(tableName: string, planId: string): Promise<DrillPlanState | undefined> {
  const result = await dynamodb.send(
    new GetCommand({ TableName: tableName, Key: { [PK]: drillPlanPk(planId), [SK]: DRILL_PLAN_STATE_SK }, ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const { [PK]: _pk, [SK]: _sk, ...state } = result.Item;
  return state as DrillPlanState;
}

/** Replaces the plan's state (a failure incident opened, or closed by a passing run). */
export async function putPlanState(tableName: string, state: DrillPlanState): Promise<void> {
  await dynamodb.send(
    new PutCommand({ TableName: tableName, Item: { [PK]: drillPlanPk(state.planId), [SK]: DRILL_PLAN_STATE_SK, ...state } }),
  );
}

/** The drills started in [from, to), newest first: a Query per month of the month index, never a Scan. */
export async function listRunsStartedIn(tableName: string, period: { from: string; to: string }): Promise<Array<{ runId: string; startedAt: string }>> {
  const runs: Array<{ runId: string; startedAt: string }> = [];
  const projection = { expression: 'runId, #startedAt', names: { '#startedAt': 'startedAt' } };
  for await (const item of queryMonthIndex({ tableName, kind: 'DRILLRUN', ...period, projection })) {
    runs.push({ runId: String(item.runId), startedAt: String(item.startedAt) });
  }
  return runs;
}

/** Run ids of the drills started in [from, to), newest first. */
export async function listRunIdsStartedIn(tableName: string, period: { from: string; to: string }): Promise<string[]> {
  return (await listRunsStartedIn(tableName, period)).map(({ runId }) => runId);
}

/** What each drill started in [from, to) proved (verdict, checks, source), newest first, from the month index alone (it projects every attribute): a Query per month. */
export async function listRunOutcomesStartedIn(tableName: string, period: { from: string; to: string }): Promise<CoverageRun[]> {
  const runs: CoverageRun[] = [];
  const projection = {
    expression: 'runId, planId, #status, #startedAt, checks, sourceTableName, #source',
    names: { '#status': 'status', '#startedAt': 'startedAt', '#source': 'source' },
  };
  for await (const item of queryMonthIndex({ tableName, kind: 'DRILLRUN', ...period, projection })) runs.push(item as unknown as CoverageRun);
  return runs;
}
