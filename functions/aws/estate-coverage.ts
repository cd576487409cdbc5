import { ListProtectedResourcesCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DRILL_TABLE_PREFIX } from '../domain/drill-naming.js';
import { estateCoverage, tableArnTemplateFrom, type EstateCoverage, type EstateInventory, type ListedTable } from '../domain/evidence/estate-coverage.js';
import type { EvidencePeriod } from '../domain/evidence/exported-trail.js';
import { collectProtectedResources } from '../domain/evidence/protected-resources.js';
import { backupClient } from './backup-client.js';
import { listRunOutcomesStartedIn } from './drill/drill-run-store.js';
import { dynamodbClient } from './dynamodb-client.js';

/** The account's tables by name (ListTables only: a table's ARN follows from its name), a drill's own restored copies left out. */
async function listedTables(tableArnOf: (tableName: string) => string): Promise<ListedTable[]> {
  const tables: ListedTable[] = [];
  let start: string | undefined;
  do {
    const page = await dynamodbClient.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) if (!name.startsWith(DRILL_TABLE_PREFIX)) tables.push({ name, arn: tableArnOf(name) });
    start = page.LastEvaluatedTableName;
  } while (start);
  return tables;
}

/** What the estate holds: every resource AWS Backup protects (all pages, every type) and every DynamoDB table. */
export async function estateInventory(tableArnOf: (tableName: string) => string): Promise<EstateInventory> {
  const [protectedResources, tables] = await Promise.all([
    collectProtectedResources((nextToken) => backupClient.send(new ListProtectedResourcesCommand({ NextToken: nextToken, MaxResults: 1000 }))),
    listedTables(tableArnOf),
  ]);
  return { protectedResources, tables, tableArnOf };
}

/** The estate against the period's drill runs (see domain/evidence/estate-coverage.ts). */
export async function readEstateCoverage(tableName: string, period: EvidencePeriod, tableArnOf: (tableName: string) => string): Promise<EstateCoverage> {
  const [inventory, runs] = await Promise.all([estateInventory(tableArnOf), listRunOutcomesStartedIn(tableName, period)]);
  return estateCoverage(inventory, runs, period);
}

/** Table ARNs of the account and region that hold `tableName` (the CLI's: it knows the evidence table, not its account). */
export async function tableArnsBeside(tableName: string): Promise<(tableName: string) => string> {
  const { Table } = await dynamodbClient.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.TableArn) throw new Error(`DescribeTable ${tableName} returned no TableArn`);
  return tableArnTemplateFrom(Table.TableArn);
}
