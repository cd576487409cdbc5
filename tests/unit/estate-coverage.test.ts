import { describe, expect, it } from 'vitest';
import type { DrillCheckResult } from '../../functions/domain/drill/check-result.js';
import { EstateCoverageQuery, estateCoverage, filterEstateRows, tableArnTemplateFrom, trailConfirmsPass, type CoverageRun, type EstateInventory } from '../../functions/domain/evidence/estate-coverage.js';
import { estateCoverageCsv, estateCoverageSection, shownName } from '../../functions/domain/evidence/estate-coverage-views.js';
import { exportFiles } from '../../functions/domain/evidence/export-files.js';
import { listedTrail, type ListedTrail } from '../../functions/domain/evidence/exported-trail.js';
import { trailFacts } from '../../functions/domain/evidence/trail-facts.js';
import { nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
import { eventSk } from '../../functions/domain/keys.js';
import { collectProtectedResources, type ProtectedResourcesPage } from '../../functions/domain/evidence/protected-resources.js';
import { exportedDrillRun } from './support/evidence-fixtures.js';
import { formulaLinesOutsideQuotes, parseRfc4180 } from './support/spreadsheet-lines.js';

const ACCOUNT = '123456789012';
const arnOf = tableArnTemplateFrom(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:irdr-ReadEstateCoverage`);
const period = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };

/*
 * ListProtectedResources as the AWS Backup API reference documents it: GET /resources/?maxResults&nextToken, answering
 * { NextToken, Results: [ProtectedResource] } with ResourceArn, ResourceType, ResourceName, LastBackupTime (a
 * timestamp: epoch seconds on the wire, a Date from the SDK), LastBackupVaultArn and LastRecoveryPointArn.
 */
const vault = `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:Default`;
const point = (id: string) => `arn:aws:backup:eu-west-1:${ACCOUNT}:recovery-point:${id}`;
const PAGES: Record<string, ProtectedResourcesPage> = {
  first: {
    Results: [
      { ResourceArn: arnOf('orders'), ResourceType: 'DynamoDB', ResourceName: 'orders', LastBackupTime: new Date('2026-11-20T01:00:00Z'), LastBackupVaultArn: vault, LastRecoveryPointArn: `${arnOf('orders')}/backup/01700000000000-abcdefgh` },
      { ResourceArn: 'arn:aws:s3:::irdr-invoices', ResourceType: 'S3', ResourceName: 'irdr-invoices', LastBackupTime: 1_763_600_000, LastBackupVaultArn: vault, LastRecoveryPointArn: point('s3-1') },
      { ResourceArn: `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0`, ResourceType: 'EFS', ResourceName: 'fs-0123456789abcdef0', LastBackupTime: 1_763_600_000 },
      { ResourceArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0abc`, ResourceType: 'EBS', LastBackupTime: 1_763_600_000 },
    ],
    NextToken: 'page-2',
  },
  'page-2': {
    Results: [
      { ResourceArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0abc`, ResourceType: 'EC2', LastBackupTime: 1_763_600_000 },
      { ResourceArn: `arn:aws:fsx:eu-west-1:${ACCOUNT}:file-system/fs-0fsx`, ResourceType: 'FSx', LastBackupTime: 1_763_600_000 },
      { ResourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:billing`, ResourceType: 'RDS', ResourceName: 'billing' },
      { ResourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:ledger`, ResourceType: 'Aurora', ResourceName: 'ledger' },
    ],
    NextToken: 'page-3',
  },
  // A page may come back empty with a token still to follow.
  'page-3': { Results: [], NextToken: 'page-4' },
  'page-4': {
    Results: [
      { ResourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:docs`, ResourceType: 'DocumentDB', ResourceName: 'docs' },
      { ResourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:graph`, ResourceType: 'Neptune', ResourceName: 'graph' },
      // An entry with no ARN names nothing that can be merged or drilled.
      { ResourceType: 'EBS', ResourceName: 'nameless' },
    ],
  },
};
const fetchPage = async (token: string | undefined) => PAGES[token ?? 'first']!;

const passed: DrillCheckResult = { id: 'item-count', type: 'item-count', passed: true, expected: '30 items', actual: '30 items' };
const failedCheck: DrillCheckResult = { ...passed, passed: false, actual: '29 items' };
const run = (runId: string, changes: Partial<CoverageRun>): CoverageRun => ({ runId, planId: 'orders-pitr', status: 'passed', startedAt: '2026-11-10T02:00:00.000Z', checks: [passed], ...changes });

async function inventory(tables: EstateInventory['tables'] = []): Promise<EstateInventory> {
  return { protectedResources: await collectProtectedResources(fetchPage), tables, tableArnOf: arnOf };
}

describe('coverage of the estate: AWS Backup protected resources and DynamoDB tables against the drills of a period', () => {
  it('follows NextToken through every page (an empty one too) and reads each documented field, both timestamp forms', async () => {
    const resources = await collectProtectedResources(fetchPage);
    expect(resources.map((resource) => resource.type)).toEqual(['DynamoDB', 'S3', 'EFS', 'EBS', 'EC2', 'FSx', 'RDS', 'Aurora', 'DocumentDB', 'Neptune']);
    expect(resources[0]).toEqual({
      arn: arnOf('orders'),
      type: 'DynamoDB',
      name: 'orders',
      lastBackupTime: '2026-11-20T01:00:00.000Z',
      lastBackupVaultArn: vault,
      lastRecoveryPointArn: `${arnOf('orders')}/backup/01700000000000-abcdefgh`,
    });
    expect(resources[1]!.lastBackupTime).toBe(new Date(1_763_600_000 * 1000).toISOString());
  });

  it('refuses a listing whose NextToken comes back again (it would never end)', async () => {
    await expect(collectProtectedResources(async () => ({ Results: [], NextToken: 'same' }))).rejects.toThrow(/NextToken "same" twice/);
  });

  it('lists every protected type per type, merges a protected table with the table listing by ARN, and keeps unprotected tables', async () => {
    const coverage = estateCoverage(await inventory([{ name: 'orders', arn: arnOf('orders') }, { name: 'sessions', arn: arnOf('sessions') }]), [], period);
    expect(coverage.byType.map((type) => [type.type, type.resources, type.notDrilled])).toEqual([
      ['Aurora', 1, 1],
      ['DocumentDB', 1, 1],
      ['DynamoDB', 2, 2],
      ['EBS', 1, 1],
      ['EC2', 1, 1],
      ['EFS', 1, 1],
      ['FSx', 1, 1],
      ['Neptune', 1, 1],
      ['RDS', 1, 1],
      ['S3', 1, 1],
    ]);
    const orders = coverage.rows.filter((row) => row.name === 'orders');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ foundIn: ['aws-backup', 'dynamodb-tables'], status: 'not-drilled', lastBackupTime: '2026-11-20T01:00:00.000Z', why: 'no drill run in the period' });
    expect(coverage.rows.find((row) => row.name === 'sessions')).toMatchObject({ arn: arnOf('sessions'), foundIn: ['dynamodb-tables'], status: 'not-drilled' });
    // A resource the listing gives no name keeps its ARN as its name.
    expect(coverage.rows.find((row) => row.type === 'EBS')!.name).toBe(`arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0abc`);
  });

  it('counts a resource drilled only by a run that passed with every check passed; anything less is attempted', async () => {
    const efs = `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0`;
    const runs: CoverageRun[] = [
      // An old-style run names its table only; a run of another type names its source by ARN.
      run('orders-ok', { sourceTableName: 'orders' }),
      run('efs-ok', { planId: 'efs-backup', source: { type: 'EFS', arn: efs, name: 'fs-0123456789abcdef0' } }),
      run('s3-failed', { planId: 's3-backup', status: 'failed', checks: [failedCheck], source: { type: 'S3', arn: 'arn:aws:s3:::irdr-invoices' } }),
      // A record that says passed but ran no check, or whose check failed, proves nothing.
      run('rds-unvalidated', { planId: 'rds', checks: [], source: { type: 'RDS', arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:billing` } }),
      run('aurora-tampered', { planId: 'aurora', checks: [passed, failedCheck], source: { type: 'Aurora', arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:ledger` } }),
      run('docdb-running', { planId: 'docdb', status: 'running', checks: undefined, source: { type: 'DocumentDB', arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:docs` } }),
      // Outside the period: it proves nothing about this one.
      run('neptune-last-month', { planId: 'neptune', startedAt: '2026-10-31T23:59:59.999Z', source: { type: 'Neptune', arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:graph` } }),
      // A table drilled, then deleted: no longer listed, still drilled, found only in the run.
      run('gone-ok', { sourceTableName: 'gone' }),
      run('stopped-early', { status: 'failed', checks: undefined }),
    ];
    const coverage = estateCoverage(await inventory([{ name: 'orders', arn: arnOf('orders') }]), runs, period);
    const statusOf = (name: string) => coverage.rows.find((row) => row.name === name)?.status;
    expect(statusOf('orders')).toBe('drilled');
    expect(statusOf('fs-0123456789abcdef0')).toBe('drilled');
    for (const name of ['irdr-invoices', 'billing', 'ledger', 'docs']) expect(statusOf(name), name).toBe('attempted');
    expect(statusOf('graph')).toBe('not-drilled');
    expect(coverage.rows.find((row) => row.name === 'gone')).toMatchObject({ arn: arnOf('gone'), type: 'DynamoDB', foundIn: ['drill-runs'], status: 'drilled', drilledBy: ['gone-ok'] });
    expect(coverage.rows.find((row) => row.name === 'ledger')).toMatchObject({ drilledBy: [], attemptedBy: ['aurora-tampered'], why: '1 run in the period, none passed with every check passed' });
    expect(coverage.unattributedRuns).toEqual(['stopped-early']);
    // Not drilled first, then attempted, then drilled.
    expect(coverage.rows.map((row) => row.status)).toEqual([...coverage.rows.map((row) => row.status)].sort((a, b) => ['not-drilled', 'attempted', 'drilled'].indexOf(a) - ['not-drilled', 'attempted', 'drilled'].indexOf(b)));
    expect(coverage.byType.find((type) => type.type === 'DynamoDB')).toEqual({ type: 'DynamoDB', resources: 2, drilled: 2, attempted: 0, notDrilled: 0 });
  });

  it('a failed run beside a passing one leaves the resource drilled, naming both', async () => {
    const runs = [run('ok', { sourceTableName: 'orders', startedAt: '2026-11-02T00:00:00.000Z' }), run('bad', { sourceTableName: 'orders', status: 'failed', checks: [failedCheck] })];
    const row = estateCoverage(await inventory(), runs, period).rows.find((candidate) => candidate.name === 'orders')!;
    expect(row).toMatchObject({ status: 'drilled', drilledBy: ['ok'], attemptedBy: ['bad'], lastDrilledAt: '2026-11-02T00:00:00.000Z' });
  });
});

/** A drill run's trail as stored: these event types, hash-chained. */
function runTrail(types: readonly string[]) {
  let previous: ChainLink | undefined;
  const events = types.map((type, index) => {
    const body = { type, at: `2026-11-10T02:0${index}:00.000Z`, actor: 'arn:aws:iam::000000000000:role/drill' };
    previous = nextLink(body, previous);
    return { sortKey: eventSk(previous.seq), event: { ...body, ...previous } };
  });
  return listedTrail('DRILLRUN#run', events);
}

describe('in the export, each run is held to its trail as well as its record', () => {
  const ordersRun = (trail: ListedTrail) => ({ ...run('orders-run', { sourceTableName: 'orders' }), trailConfirmsPass: trailConfirmsPass({ intact: trail.intact, facts: trailFacts(trail.events) }) });
  const statusWith = async (trail: ListedTrail) =>
    estateCoverage(await inventory(), [ordersRun(trail)], period).rows.find((row) => row.name === 'orders')!.status;

  it('a record that says passed, its intact trail ending in drill.passed: drilled', async () => {
    expect(await statusWith(runTrail(['drill.started', 'drill.validated', 'drill.passed']))).toBe('drilled');
  });

  it('a record edited to passed (its META is updated in place) whose trail says drill.failed: attempted', async () => {
    expect(await statusWith(runTrail(['drill.started', 'drill.validated', 'drill.failed']))).toBe('attempted');
    expect(await statusWith(runTrail(['drill.started', 'drill.validated']))).toBe('attempted');
  });

  it('a trail whose drill.failed was rewritten to drill.passed breaks its chain: attempted', async () => {
    const trail = runTrail(['drill.started', 'drill.validated', 'drill.failed']);
    const last = trail.events.at(-1)!;
    const rewritten = listedTrail(trail.partitionKey, [...trail.events.slice(0, -1), { ...last, event: { ...last.event, type: 'drill.passed' } }]);
    expect(rewritten.intact).toBe(false);
    expect(await statusWith(rewritten)).toBe('attempted');
  });
});

describe('GET /evidence/coverage query', () => {
  it('takes a period, and optionally one type and one status; anything else is refused saying what to change', () => {
    expect(EstateCoverageQuery.parse({ from: '2026-11-01', to: '2026-12-01', type: 'S3', status: 'not-drilled' })).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      type: 'S3',
      status: 'not-drilled',
    });
    const refused = (query: Record<string, string>) => EstateCoverageQuery.safeParse(query).error?.issues.map((issue) => issue.message).join('; ');
    expect(refused({ from: '2026-12-01', to: '2026-11-01' })).toBe('from must be before to');
    expect(refused({ from: '2026-11-01', to: '2026-12-01', status: 'covered' })).toMatch(/"not-drilled"\|"attempted"\|"drilled"/);
    expect(refused({ from: '2026-11-01', to: '2026-12-01', type: 'S3\u001b[2J' })).toMatch(/a resource type as AWS Backup names it/);
    expect(EstateCoverageQuery.safeParse({ from: '2026-11-01', to: '2026-12-01', resourceType: 'S3' }).success).toBe(false);
  });

  it('a filter keeps the rows of that type and status, and the per-type summary whole', async () => {
    const runs = [run('efs-ok', { source: { type: 'EFS', arn: `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0` } })];
    const coverage = estateCoverage(await inventory(), runs, period);
    const notDrilledS3 = filterEstateRows(coverage, { type: 'S3', status: 'not-drilled' });
    expect(notDrilledS3.rows.map((row) => row.name)).toEqual(['irdr-invoices']);
    expect(notDrilledS3.byType).toEqual(coverage.byType);
    expect(filterEstateRows(coverage, { status: 'drilled' }).rows.map((row) => row.type)).toEqual(['EFS']);
    expect(filterEstateRows(coverage, {})).toBe(coverage);
  });
});

describe('awkward resource names in the CSV, the report and the terminal', () => {
  const hostile = `=HYPERLINK("http://evil")\r\n\u001b[31m<script>alert(1)</script>\u202e${'x'.repeat(3000)}`;
  const awkward = async () =>
    estateCoverage(
      { protectedResources: await collectProtectedResources(async () => ({ Results: [{ ResourceArn: 'arn:aws:s3:::evil', ResourceType: 'S3', ResourceName: hostile }] })), tables: [], tableArnOf: arnOf },
      [],
      period,
    );

  it('the CSV keeps the name whole in one quoted cell, its formula disarmed', async () => {
    const csv = estateCoverageCsv(await awkward());
    expect(formulaLinesOutsideQuotes(csv)).toEqual([]);
    const [header, row] = parseRfc4180(csv);
    expect(header).toEqual(['type', 'name', 'arn', 'status', 'foundIn', 'lastBackupTime', 'lastDrilledAt', 'drilledBy', 'attemptedBy', 'why']);
    expect(row![1]).toBe(`'${hostile}`);
  });

  it('the report and the terminal show it escaped, controls as \\u001b, clipped to a line with its length', async () => {
    const page = estateCoverageSection(await awkward()).text;
    expect(page).not.toContain('<script>');
    // The page's own line feeds aside, no control or bidi override reaches it raw.
    expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/u);
    expect(page).toContain('\\u001b[31m&lt;script&gt;');
    const shown = shownName(hostile);
    expect(shown).not.toMatch(/[\u0000-\u001f\u202e]/u);
    expect(shown.endsWith(`… (${hostile.length} characters)`)).toBe(true);
    expect(shown.length).toBeLessThan(300);
  });

  it('the export carries estate-coverage.json and .csv beside the report, which has the section', async () => {
    const coverage = await awkward();
    const { files } = exportFiles({ period, tableName: 'irdr', generatedAt: period.to, incidents: [], drillRuns: [exportedDrillRun()], controls: { runbooks: {}, plans: {} }, estateCoverage: coverage });
    const names = files.map((file) => file.name);
    expect(names).toEqual(expect.arrayContaining(['estate-coverage.json', 'estate-coverage.csv', 'report.html']));
    expect(JSON.parse(files.find((file) => file.name === 'estate-coverage.json')!.content.toString()).estateCoverage.rows[0].name).toBe(hostile);
    const report = files.find((file) => file.name === 'report.html')!.content.toString();
    expect(report).toContain('<h2>Coverage of the estate</h2>');
    expect(report).not.toContain('\u001b');
  });
});
