import { readEstateCoverage, tableArnsBeside } from '../functions/aws/estate-coverage.js';
import { tableCoverage } from '../functions/aws/table-coverage.js';
import { shownName } from '../functions/domain/evidence/estate-coverage-views.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';

/**
 * `irdr evidence coverage`: the estate (every resource AWS Backup protects, every table) against the period's drill runs,
 * per type; then every table against the plans that restore it and their last pass, uncovered and stale ones first.
 * Exit 1 when any resource was not drilled in the period or any table is uncovered or stale, so it can gate a release or an audit.
 */
export async function evidenceCoverageCommand(flags: { tableName: string; count?: boolean; from: string; to: string }): Promise<void> {
  const estate = await readEstateCoverage(flags.tableName, { from: flags.from, to: flags.to }, await tableArnsBeside(flags.tableName));
  console.log(`estate ${flags.from} .. ${flags.to}: drilled = a run in the period passed with every check passed`);
  console.log(`${'type'.padEnd(12)}  resources  drilled  attempted  not drilled`);
  for (const type of estate.byType) {
    console.log(`${shownName(type.type).padEnd(12)}  ${String(type.resources).padStart(9)}  ${String(type.drilled).padStart(7)}  ${String(type.attempted).padStart(9)}  ${String(type.notDrilled).padStart(11)}`);
  }
  for (const row of estate.rows) {
    const runs = [...row.drilledBy, ...row.attemptedBy].join(', ');
    console.log(`  ${shownName(row.type)}  ${row.status.padEnd(11)}  ${shownName(row.name)}  ${shownName(row.arn)}${runs ? `  runs: ${runs}` : ''}${row.why ? ` (${row.why})` : ''}`);
  }
  const estateGaps = estate.rows.filter((row) => row.status !== 'drilled').length;
  console.log(`${estate.rows.length} resources: ${estate.rows.length - estateGaps} drilled in the period, ${estateGaps} attempted or not drilled`);
  if (estateGaps > 0) process.exitCode = 1;
  console.log('');
  // DescribeTable's ItemCount by default, as the AWS console shows it: a Scan of every table could cost more than the report is worth.
  const basis = flags.count ? 'scan' : 'estimate';
  const rows = await tableCoverage(flags.tableName, loadDrillPlans(), new Date(), basis);
  const width = Math.max(5, ...rows.map((row) => row.table.length));
  const items = (count: number): string => (basis === 'estimate' ? `~${count}` : String(count));
  console.log(`${'table'.padEnd(width)}  status     items  plans / last pass`);
  for (const row of rows) {
    const detail = row.plans.length === 0 ? '-' : `${row.plans.join(', ')} / ${row.lastPassedAt ?? 'never passed'}`;
    console.log(`${row.table.padEnd(width)}  ${row.status.padEnd(9)}  ${items(row.itemCount).padStart(5)}  ${detail}${row.why ? ` (${row.why})` : ''}`);
  }
  console.log(
    basis === 'estimate'
      ? "items: ~ DynamoDB's estimate (DescribeTable ItemCount, refreshed about every 6 hours: a new or changing table may show ~0); --count counts them with a Scan of each table"
      : 'items: counted now with a Scan of each table',
  );
  const gaps = rows.filter((row) => row.status !== 'covered').length;
  console.log(`${rows.length} tables: ${rows.length - gaps} covered by a recent passing drill, ${gaps} uncovered or stale`);
  if (gaps > 0) process.exitCode = 1;
}
