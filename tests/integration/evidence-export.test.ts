import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillRunPk, eventSk, incidentPk } from '../../functions/domain/keys.js';
import { launchBrowser } from './support/browser.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { irdrCli } from './support/irdr-cli.js';

const irdr = irdrCli;
const SOURCE = 'irdr-test-export-orders';
const FILES = ['controls.csv', 'corrective-actions.csv', 'corrective-actions.json', 'drill-runs.csv', 'drill-runs.json', 'estate-coverage.csv', 'estate-coverage.json', 'incidents.csv', 'incidents.json', 'ir-plan-tests.csv', 'ir-plan-tests.json', 'manifest.json', 'report.html'];

/** Runs the real CLI against the local stack as a user would, after `eval "$(irdr local env)"`. */
async function run(local: TestStack, args: string[]): Promise<{ code: number; output: string; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [irdr, 'evidence', ...args], { env: { ...process.env, ...local.stack.environment } });
    return { code: 0, output: stdout + stderr, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('irdr evidence export and check-export', () => {
  let local: TestStack;
  let work: string;
  let keyFile: string;
  let publicKeyFile: string;
  let incidentId: string;
  let runId: string;
  const from = new Date(Date.now() - 60_000).toISOString();
  let period: string[];

  beforeAll(async () => {
    local = await startTestStack({
      timeScale: 60,
      drillPlans: [testPlan({ id: 'export-orders', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })],
      // A restore takes a simulated minute (a second here); PITR trails the clock by a simulated minute.
      dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 10 }, latestRestorableLagMs: 60_000 },
    });
    work = await mkdtemp(join(tmpdir(), 'irdr-export-'));
    // The keys, the incident and the drill run are each made on their own: side by side, as their waits (a second
    // between acknowledging and opening, PITR's lag, the restore) are all they mostly do.
    const keysMade = async () => {
      const keys = join(work, 'keys');
      const keygen = await run(local, ['keygen', '--out', keys]);
      expect(keygen.code, keygen.output).toBe(0);
      expect(keygen.output).toMatch(/public key .*evidence-signing-key\.pub\.pem, fingerprint sha256:[0-9a-f]{64}/);
      keyFile = join(keys, 'evidence-signing-key.pem');
      publicKeyFile = join(keys, 'evidence-signing-key.pub.pem');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await run(local, ['keygen', '--out', keys])).code).toBe(2);
    };
    const incidentResolved = async () => {
      const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Leaked key, "prod"', severity: 'SEV2', summary: 'for the export' });
      expect(created.status).toBe(202);
      incidentId = created.body.incidentId as string;
      expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
      // Acknowledged (a second later: whole seconds are measured) and resolved, so the report has an MTTA and an MTTR to chart.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
    };
    const drillRun = async () => {
      const drills = drillSession(local);
      await drills.restorableSource(SOURCE);
      const drill = await drills.runDrill('export-orders');
      expect(drill.execution.status, JSON.stringify(drill.view.run?.reasons)).toBe('SUCCEEDED');
      runId = drill.runId;
    };
    await Promise.all([keysMade(), incidentResolved(), drillRun()]);
    await local.waitForQuiet();
    period = ['--from', from, '--to', new Date(Date.now() + 60_000).toISOString()];
  });
  afterAll(async () => {
    await local?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes every incident and drill run of the period with its whole trail, CSV, a report and a signed manifest', async () => {
    const out = join(work, 'signed');
    const result = await run(local, ['export', ...period, '--out', out, '--signing-key-file', keyFile]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/exported 1 incident trails and 1 drill-run trails \(\d+ events, .*\) from irdr-local to .*manifest\.json signed \(Ed25519, key sha256:[0-9a-f]{64}\)/);
    expect((await readdir(out)).sort()).toEqual(FILES);
    // Progress goes to stderr only (a pipe here: the last line of each phase); stdout is the result.
    expect(result.stderr.split('\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^collecting incidents: 1\/1 trails, \d+ events$/), expect.stringMatching(/^collecting drill runs: 1\/1 trails, \d+ events$/)]));
    expect(result.stdout).not.toContain('collecting');

    const incidents = JSON.parse(await readFile(join(out, 'incidents.json'), 'utf8'));
    expect(incidents.hashRule).toMatch(/RFC 8785/);
    const [incident] = incidents.incidents;
    expect(incident.incident).toMatchObject({ incidentId, severity: 'SEV2', mode: 'live' });
    expect(incident.trail).toMatchObject({ partitionKey: incidentPk(incidentId), intact: true, problems: [] });
    expect(incident.trail.events[0]).toMatchObject({ sortKey: eventSk(1), event: { type: 'incident.opened', seq: 1, prevHash: '0'.repeat(64) } });
    expect(incident.trail.events.at(-1).event.hash).toBe(incident.trail.headHash);

    const runs = JSON.parse(await readFile(join(out, 'drill-runs.json'), 'utf8'));
    expect(runs.drillRuns[0].run).toMatchObject({ runId, planId: 'export-orders', status: 'passed' });
    expect(runs.drillRuns[0].trail).toMatchObject({ partitionKey: drillRunPk(runId), intact: true });
    expect(runs.drillRuns[0].trail.events.map((stored: { event: { type: string } }) => stored.event.type)).toContain('drill.passed');

    const incidentsCsv = (await readFile(join(out, 'incidents.csv'), 'utf8')).split('\r\n');
    expect(incidentsCsv).toHaveLength(3);
    expect(incidentsCsv[1]).toMatch(new RegExp(`^${incidentId},"Leaked key, ""prod""",triage-notify,SEV2,live,`));
    // Then regulatorySubmissions: none for this incident, an empty cell.
    expect(incidentsCsv[1]).toMatch(/,true,SOC2 CC7\.3; ISO27001 A\.5\.26,$/);
    const runsCsv = (await readFile(join(out, 'drill-runs.csv'), 'utf8')).split('\r\n');
    expect(runsCsv[1]).toMatch(
      new RegExp(`^${runId},export-orders,passed,api,[^,]+,[^,]+,true,\\d+,3600,true,\\d+,900,(canary|recovery-point),,DELETED,,[0-9a-f]{64},[^,]*,${SOURCE},".+",irdr-drill-export-orders-[^,]+,[^,]+,[^,]+,\\d+,[^,]+,[^,]+,\\d+,1/1,[^,]+,[^,]+,,,,\\d+,true,SOC2 A1\\.3$`),
    );
    // Grouped by control: the incident's runbook (triage-notify) names SOC 2 CC7.3 (resolved, nobody signed it off: unreviewed); a control without evidence is listed too.
    const controlsCsv = (await readFile(join(out, 'controls.csv'), 'utf8')).split('\r\n');
    expect(controlsCsv).toContain('SOC2 CC7.3,SOC 2,Evaluates security events to determine whether they are incidents,1,0,0,1,' + incident.incident.openedAt + ',0');
    expect(controlsCsv).toContain('ISO27001 A.5.29,ISO/IEC 27001:2022,Information security during disruption,0,0,0,0,,0');

    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('All 2 trails verified: every hash chain is intact.');
    expect(report).toContain('Leaked key, &quot;prod&quot;');
    expect(report.match(/<svg /g)).toHaveLength(8);
    expect(report).not.toMatch(/<script|src=|href=/);

    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ tableName: 'irdr-local', trails: { incidents: 1, drillRuns: 1, total: 2, broken: 0 }, signature: { algorithm: 'Ed25519' } });
    // The heads of the exported trails, to hold against the write-once digests or a later export.
    expect(manifest.heads).toEqual(
      expect.arrayContaining([
        { partitionKey: incidentPk(incidentId), seq: incident.trail.events.length, hash: incident.trail.headHash },
        expect.objectContaining({ partitionKey: drillRunPk(runId), hash: runs.drillRuns[0].trail.headHash }),
      ]),
    );
    for (const file of manifest.files) {
      const content = await readFile(join(out, file.name));
      expect([file.sha256, file.bytes]).toEqual([createHash('sha256').update(content).digest('hex'), content.length]);
    }

    const checked = await run(local, ['check-export', out, '--public-key-file', publicKeyFile]);
    expect(checked.code, checked.output).toBe(0);
    expect(checked.output).toContain(`${out}: all 12 files match manifest.json, signature valid (pinned key ${manifest.signature.keyFingerprint})`);
    const unpinned = await run(local, ['check-export', out]);
    expect(unpinned.code, unpinned.output).toBe(0);
    expect(unpinned.output).toContain('signature valid for the key it carries');
  });

  it('renders in a real browser (headless Chromium, from npm where the system has none): every chart drawn with its bars, no console or page error; screenshot saved', async () => {
    const report = join(work, 'signed', 'report.html');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });

      const charts = await page.locator('svg').evaluateAll((svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const bars = [...svg.querySelectorAll('rect')].map((rect) => rect.getBoundingClientRect()).filter((bar) => bar.width > 0 && bar.height > 0);
          return { label: svg.getAttribute('aria-label'), width: box.width, height: box.height, bars: bars.length };
        }),
      );
      // Incidents and drill runs per month, MTTA and MTTR per month, RTO and RPO against targets per plan and per plan
      // and month: each drawn, with its bars.
      expect(charts.map((chart) => chart.label)).toEqual([
        'Live incidents per month, by severity',
        'Drill runs per month, passed and failed',
        'Mean time to acknowledge, live incidents, per month',
        'Mean time to resolve, live incidents, per month',
        'Worst achieved RTO per plan against its target',
        'Worst achieved RPO per plan against its target',
        'Worst achieved RTO per plan and month against its target',
        'Worst achieved RPO per plan and month against its target',
      ]);
      for (const chart of charts) {
        expect(chart.width, String(chart.label)).toBeGreaterThan(100);
        expect(chart.height, String(chart.label)).toBeGreaterThan(20);
        expect(chart.bars, String(chart.label)).toBeGreaterThanOrEqual(1);
      }
      expect(await page.getByText('All 2 trails verified: every hash chain is intact.').isVisible()).toBe(true);
      const screenshot = join(tmpdir(), `irdr-evidence-report-${Date.now()}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      console.log(`evidence report screenshot: ${screenshot}`);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('check-export exits 1 naming a file changed after the export', async () => {
    const out = join(work, 'tampered-file');
    expect((await run(local, ['export', ...period, '--out', out])).code).toBe(0);
    const unsigned = await run(local, ['check-export', out]);
    expect(unsigned.code).toBe(0);
    expect(unsigned.output).toContain('not signed, only hashed');

    const csv = join(out, 'incidents.csv');
    await writeFile(csv, (await readFile(csv, 'utf8')).replace(',SEV2,', ',SEV4,'));
    const result = await run(local, ['check-export', out]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAILED incidents\.csv: changed; expected sha256 [0-9a-f]{64}/);
    expect(result.output).toContain(`${out}: 1 problems; 11 of 12 files match manifest.json, not signed`);
  });

  it('refuses a directory that already holds files, so two exports never mix', async () => {
    const result = await run(local, ['export', ...period, '--out', join(work, 'signed')]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/is not empty .*: export into a new or empty directory/);
  });

  it('exits 1 naming a stored event edited in the table, and still writes the export, which says so', async () => {
    await local.dynamodb.send(
      new UpdateItemCommand({
        TableName: local.stack.tableName,
        Key: { PK: { S: drillRunPk(runId) }, SK: { S: eventSk(2) } },
        UpdateExpression: 'SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': { S: 'drill.quietly-edited' } },
      }),
    );
    const out = join(work, 'broken');
    const result = await run(local, ['export', ...period, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`${drillRunPk(runId)} ${eventSk(2)}: edited; expected `);
    expect(result.output).toContain('1 of 2 trails are broken');

    expect((await readdir(out)).sort()).toEqual(FILES);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.trails).toEqual({ incidents: 1, drillRuns: 1, total: 2, broken: 1 });
    const runs = JSON.parse(await readFile(join(out, 'drill-runs.json'), 'utf8'));
    expect(runs.drillRuns[0].trail).toMatchObject({ intact: false, problems: [{ kind: 'edited', sortKey: eventSk(2) }] });
    expect(await readFile(join(out, 'drill-runs.csv'), 'utf8')).toMatch(/,false,SOC2 A1\.3\r\n$/);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('1 of 2 trails are BROKEN');

    // The files are as exported: the export is sound, and it records the broken trail.
    const checked = await run(local, ['check-export', out]);
    expect(checked.code).toBe(0);
    expect(checked.output).toContain('the export records 1 broken trails of 2');
  });
});
