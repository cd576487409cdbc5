import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DrillPlan } from '../domain/drill-plan-schema.js';
import { DRILL_TABLE_PREFIX } from '../domain/drill-naming.js';
import { coverage, type CoverageRow, type DataTable } from '../domain/evidence/coverage.js';
import { listRunsOfPlan } from './drill/drill-run-store.js';
import { dynamodbClient } from './dynamodb-client.js';

/** The account's tables (a drill's own restored copies left out: they are transient), with their item counts. */
async function dataTables(): Promise<DataTable[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await dynamodbClient.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const tables: DataTable[] = [];
  for (const name of names.filter((candidate) => !candidate.startsWith(DRILL_TABLE_PREFIX))) {
    const { Table } = await dynamodbClient.send(new DescribeTableCommand({ TableName: name }));
    tables.push({ name, itemCount: Table?.ItemCount ?? 0 });
  }
  return tables;
}

/** The newest passing run of a plan: its runs newest first (GSI2), a few pages at most. */
async function lastPassedAt(tableName: string, planId: string): Promise<string | undefined> {
  let after: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const runs = await listRunsOfPlan(tableName, planId, 50, after);
    const passed = runs.runs.find((run) => run.status === 'passed');
    if (passed) return passed.startedAt;
    if (!runs.next) return undefined;
    after = runs.next;
  }
  return undefined;
}

/** Every table against the plans that restore it and their last pass; uncovered and stale ones first. */
export async function tableCoverage(tableName: string, plans: readonly DrillPlan[], now: Date = new Date()): Promise<CoverageRow[]> {
  const covering = await Promise.all(
    plans.map(async (plan) => {
      const passedAt = await lastPassedAt(tableName, plan.id);
      return { id: plan.id, sourceTableName: plan.source.tableName, schedule: plan.schedule, ...(passedAt !== undefined && { lastPassedAt: passedAt }) };
    }),
  );
  return coverage(await dataTables(), covering, now);
}
