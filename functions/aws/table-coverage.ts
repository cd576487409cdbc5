import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { sourceTableNameOf, type DrillPlan } from '../domain/drill-plan-schema.js';
import { DRILL_TABLE_PREFIX } from '../domain/drill-naming.js';
import { coverage, type CoverageRow, type DataTable } from '../domain/evidence/coverage.js';
import { countItems } from './drill/checks/item-count-check.js';
import { listRunsOfPlan } from './drill/drill-run-store.js';
import { dynamodbClient } from './dynamodb-client.js';

/**
 * How a table's items are counted: `estimate` is DescribeTable's ItemCount (free, but AWS refreshes it only about
 * every six hours, so a new or busy table shows an old number, often 0); `scan` counts them with a Select COUNT Scan
 * of each table (exact, but it reads every table in full and costs read capacity accordingly).
 */
export type ItemCountBasis = 'estimate' | 'scan';

/** The account's tables (a drill's own restored copies left out: they are transient), with their item counts. */
async function dataTables(basis: ItemCountBasis): Promise<DataTable[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await dynamodbClient.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const tables: DataTable[] = [];
  for (const name of names.filter((candidate) => !candidate.startsWith(DRILL_TABLE_PREFIX))) {
    if (basis === 'scan') {
      tables.push({ name, itemCount: await countItems(name) });
      continue;
    }
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
export async function tableCoverage(tableName: string, plans: readonly DrillPlan[], now: Date = new Date(), basis: ItemCountBasis = 'estimate'): Promise<CoverageRow[]> {
  const covering = await Promise.all(
    plans.flatMap((plan) => {
      // Table coverage counts plans that name their table; resources of other types are covered by type (issue 16, point 6).
      const sourceTableName = sourceTableNameOf(plan.source);
      if (sourceTableName === undefined) return [];
      return [
        (async () => {
          const passedAt = await lastPassedAt(tableName, plan.id);
          return { id: plan.id, sourceTableName, schedule: plan.schedule, ...(passedAt !== undefined && { lastPassedAt: passedAt }) };
        })(),
      ];
    }),
  );
  return coverage(await dataTables(basis), covering, now);
}
