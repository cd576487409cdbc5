import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStatement } from '../../functions/domain/evidence/continuity-statement-signature.js';
import { ContinuityStatement } from '../../functions/domain/evidence/continuity-statement-schema.js';
import { statementPdf } from '../../functions/domain/evidence/continuity-statement-pdf.js';
import { zipSync } from 'fflate';
import { keySigner } from '../../functions/domain/evidence/export-manifest.js';
import { exportBaseName } from '../../functions/domain/evidence/export-response.js';
import { readExportDirectory } from '../../bin/export-directory.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../local/stack-config.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { runIrdr } from './support/irdr-cli.js';
import { readPdf, readPdfAttachments } from '../support/pdf-text.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * The statement on the real local stack, seeded with names a customer must never read: plans, tables, an owner's
 * address, incident titles and summaries carrying a marker (and markup); every rendering is scanned for each of them.
 */
const MARK = 'zqxmark';
const PASSING_TABLE = `${MARK}-orders-table`;
const FAILING_TABLE = `${MARK}-ledger-table`;
const OWNER = `${MARK}-owner@example.com`;
const plans = [
  testPlan({ id: `${MARK}-pass`, owner: OWNER, source: { type: 'dynamodb-table', tableName: PASSING_TABLE }, checks: [{ type: 'item-count' }] }),
  // Fails its check (the table holds 30 items): a failed run meets no window, and opens a failure incident naming the plan.
  testPlan({ id: `${MARK}-fail`, owner: OWNER, source: { type: 'dynamodb-table', tableName: FAILING_TABLE }, checks: [{ type: 'item-count', expected: 999 }] }),
];
const HOSTILE_TITLE = `</script><script>alert("${MARK}")</script> ${MARK} breach of s3://${MARK}-bucket`;

let local: TestStack;
let workDir: string;
let publicKeyFile: string;
/** SEV1/SEV2 incidents the stack holds: the two opened here, and the failed drill's incident if it is urgent. */
let urgentIncidents = 0;
const BUCKET = `${MARK}-customer-bucket`;
const VAULT = `${MARK}-vault`;
const internal: string[] = [MARK, LOCAL_ACCOUNT_ID, LOCAL_TABLE_NAME, OWNER, 'example.com', 'arn:', BUCKET, VAULT, PASSING_TABLE, FAILING_TABLE, 'alert(', 'irdr-drill-'];

/** A bucket AWS Backup protects (the local one): it is in the estate, by name and ARN, for the statement to leave out. */
async function protectedBucket(): Promise<void> {
  const s3 = new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.urls.s3, forcePathStyle: true });
  const backup = new BackupClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${MARK}/customer.json`, Body: '{}' }));
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
  const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: `arn:aws:s3:::${BUCKET}`, IamRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore` }));
  for (let look = 0; look < 400; look += 1) {
    const job = await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    if (job.State === 'COMPLETED') break;
    if (job.State === 'FAILED') throw new Error(`backup of ${BUCKET} failed: ${job.StatusMessage}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  s3.destroy();
  backup.destroy();
}

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60, drillPlans: plans, dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } });
  workDir = await mkdtemp(join(tmpdir(), 'irdr-statement-'));
  const drills = drillSession(local);
  /** A drill of `planId` on its own source table, from creating the table to the run's end. */
  const drilled = async (tableName: string, planId: string) => {
    await drills.restorableSource(tableName, 25);
    return drills.runDrill(planId);
  };
  /** security-incident runs the one-hour acknowledge clock (kind sla) for SEV1/SEV2: acknowledging meets it. */
  const acknowledgedInTime = async () => {
    const opened = await local.openIncident({ runbookId: 'security-incident', title: HOSTILE_TITLE, severity: 'SEV2', summary: `reported by ${MARK}-person@example.com` });
    expect(opened.status).toBe(202);
    for (let look = 0; (await local.api('POST', `/incidents/${opened.body.incidentId as string}/acknowledge`)).status !== 200; look += 1) {
      if (look > 400) throw new Error('the incident could not be acknowledged');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (let look = 0; ; look += 1) {
      const events = (await local.api('GET', `/incidents/${opened.body.incidentId as string}`, { token: 'dev-auditor' })).body.events as Array<{ type: string }>;
      if (events.some((event) => event.type === 'clock.met')) break;
      if (look > 800) throw new Error(`the acknowledge clock was never met: ${events.map((event) => event.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return opened;
  };
  // Each waits (a backup job, PITR's scaled lag, a drill's restore, a run's clock) on records of its own: side by side.
  const [, passed, failed, opened] = await Promise.all([protectedBucket(), drilled(PASSING_TABLE, `${MARK}-pass`), drilled(FAILING_TABLE, `${MARK}-fail`), acknowledgedInTime()]);
  expect([passed.view.run.status, failed.view.run.status]).toEqual(['passed', 'failed']);
  internal.push(passed.runId, failed.runId);

  const urgent = await local.openIncident({ runbookId: 'triage-notify', title: `${MARK} SEV1 open`, severity: 'SEV1', summary: 'left open' });
  internal.push(urgent.body.incidentId as string);
  // The runbook writes the record as it starts: wait until both are there to be counted.
  const failureIncidentId = failed.view.run.failureIncidentId as string | undefined;
  for (const incidentId of [opened.body.incidentId as string, urgent.body.incidentId as string, ...(failureIncidentId ? [failureIncidentId] : [])]) {
    internal.push(incidentId);
    for (let look = 0; ; look += 1) {
      const read = await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' });
      if (read.status === 200) {
        if (['SEV1', 'SEV2'].includes(read.body.incident.severity as string)) urgentIncidents += 1;
        break;
      }
      if (look > 400) throw new Error(`incident ${incidentId} never recorded`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // The export key's public half, as an auditor pins it (aws kms get-public-key).
  const kms = new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.environment.AWS_ENDPOINT_URL_KMS });
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/irdr-evidence-signing' }));
  publicKeyFile = join(workDir, 'export-key.der');
  await writeFile(publicKeyFile, Buffer.from(PublicKey!));
  kms.destroy();
}, 240_000);

afterAll(async () => {
  await local?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const statement0 = (text: string) => ContinuityStatement.parse(JSON.parse(text));
const leaksIn = (text: string): string[] => internal.filter((name) => text.toLowerCase().includes(name.toLowerCase()));

describe('GET /evidence/statement', () => {
  it('answers a signed statement that names no internal identifier, as JSON and as a page', async () => {
    const json = await local.api('GET', '/evidence/statement?period=90d', { token: 'dev-auditor' });
    expect(json.status).toBe(200);
    const statement = ContinuityStatement.parse(json.body);
    expect(leaksIn(JSON.stringify(json.body))).toEqual([]);
    expect(statement.drills.plans.map((plan) => plan.alias).sort()).toEqual(['Plan A', 'Plan B']);
    // One plan passed once, the other never: a weekly cadence over 90 days has gaps, stated, not claimed as met.
    expect(statement.drills.verdict).toBe('gaps');
    expect(statement.drills.plans.every((plan) => plan.cadence.gaps.length > 0 && !plan.cadence.met)).toBe(true);
    expect(statement.drills.plans.map((plan) => plan.lastDrill?.result).sort()).toEqual(['failed', 'passed']);
    expect(urgentIncidents).toBeGreaterThanOrEqual(2);
    expect(statement.incidents.sev1And2).toMatchObject({ total: urgentIncidents, acknowledged: 1 });
    expect(statement.incidents.responseClocks).toEqual({ judged: 1, onTime: 1, late: 0, missed: 0, percentMet: 100 });
    expect(statement.drills.restoreCoverage).toEqual({
      byType: expect.arrayContaining([expect.objectContaining({ type: 'DynamoDB', drilled: 1, attempted: 1 }), { type: 'S3', resources: 1, drilled: 0, attempted: 0, notDrilled: 1 }]),
    });

    const response = await fetch(`${local.stack.urls.api}/evidence/statement?period=90d`, {
      headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-responder')}`, accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(leaksIn(page)).toEqual([]);
    await writeFile(join(workDir, 'route.html'), page);
    const checked = await runIrdr(local, ['evidence', 'check-statement', join(workDir, 'route.html'), '--public-key-file', publicKeyFile]);
    expect(checked.output).toContain('signature valid (pinned key sha256:');
    expect(checked.code).toBe(0);
  });

  it('answers the one-page PDF for Accept: application/pdf, carrying the signed statement it is drawn from, which check-statement ties to it', async () => {
    const response = await fetch(`${local.stack.urls.api}/evidence/statement?period=90d`, {
      headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-auditor')}`, accept: 'text/csv;q=1, application/pdf;q=0.9, text/html;q=0.1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const pdf = await readPdf(bytes);
    expect(pdf.pages).toHaveLength(1);
    const pdfText = pdf.pages.flat().join('\n');
    expect(leaksIn(pdfText)).toEqual([]);
    const carried = (await readPdfAttachments(bytes))['continuity-statement.json'];
    expect(carried).toBeDefined();
    const signedJson = Buffer.from(carried!).toString('utf8');
    expect(leaksIn(signedJson)).toEqual([]);
    const statement = statement0(signedJson);
    expect(pdfText).toContain(statement.drills.summary);
    expect(pdfText).toContain(`SHA-256 ${statement.evidenceExport.manifestSha256}`);
    expect(pdfText).toContain(`key ${statement.signature!.keyFingerprint}`);
    const jsonFile = join(workDir, 'route-carried.json');
    const pdfFile = join(workDir, 'route.pdf');
    await writeFile(jsonFile, signedJson);
    await writeFile(pdfFile, bytes);
    const checked = await runIrdr(local, ['evidence', 'check-statement', jsonFile, '--public-key-file', publicKeyFile, '--pdf', pdfFile]);
    expect(checked.output).toContain(`${pdfFile} is its drawing`);
    expect(checked.code).toBe(0);
    // The carried statement edited (gaps claimed met): its signature fails, so the PDF drawn from it proves nothing.
    const rosyFile = join(workDir, 'route-carried-rosy.json');
    await writeFile(rosyFile, JSON.stringify({ ...statement, drills: { ...statement.drills, verdict: 'met' } }));
    const rosy = await runIrdr(local, ['evidence', 'check-statement', rosyFile, '--public-key-file', publicKeyFile, '--pdf', pdfFile]);
    expect(rosy.code).toBe(1);
    expect(rosy.output).toContain('FAILED the signature does not match the statement');
  });

  it('refuses a bad period with a 400 saying what is allowed, an unknown Accept with a 406, and a caller in no role', async () => {
    for (const query of ['period=2y', 'period=13m', 'period=12m&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', '', 'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z']) {
      const refused = await local.api('GET', `/evidence/statement?${query}`, { token: 'dev-auditor' });
      expect(refused.status, query).toBe(400);
      expect(refused.body.message, query).toMatch(/invalid query: /);
    }
    expect((await local.api('GET', '/evidence/statement?period=2y', { token: 'dev-auditor' })).body.message).toContain('<N>m (1-12 months) or <N>d (1-366 days)');
    for (const accept of ['image/png', 'application/pdf;q=0, application/zip']) {
      const refused = await local.api('GET', '/evidence/statement?period=12m', { token: 'dev-auditor', headers: { accept } });
      expect(refused.status, accept).toBe(406);
      expect(refused.body.message, accept).toContain('application/json or text/html or application/pdf: ask for one of them in Accept');
    }
    expect((await local.api('GET', '/evidence/statement?period=12m', { token: 'dev-outsider' })).status).toBe(403);
  });
});

describe('irdr evidence statement and check-statement', () => {
  it('writes the statement and, apart, the export it summarises; check-statement ties the two and fails a tampered one, naming why', async () => {
    const out = join(workDir, 'public');
    const exportOut = join(workDir, 'nda-export');
    const made = await runIrdr(local, ['evidence', 'statement', '--period', '12m', '--out', out, '--export-out', exportOut, '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(made.output).toContain('continuity-statement.json, continuity-statement.html, continuity-statement.pdf, signed by sha256:');
    expect(made.code).toBe(0);
    const jsonFile = join(out, 'continuity-statement.json');
    const htmlFile = join(out, 'continuity-statement.html');
    const pdfFile = join(out, 'continuity-statement.pdf');
    const text = await readFile(jsonFile, 'utf8');
    expect(leaksIn(text)).toEqual([]);
    expect(leaksIn(await readFile(htmlFile, 'utf8'))).toEqual([]);
    // The PDF, as a reader shows it: one page, the gaps stated, nothing internal.
    const pdf = await readPdf(await readFile(pdfFile));
    expect(pdf.pages).toHaveLength(1);
    const pdfText = pdf.pages.flat().join('\n');
    expect(leaksIn(pdfText)).toEqual([]);
    expect(pdfText).toContain(statement0(text).drills.summary);
    expect(pdfText).toMatch(/gap: no passing drill \d{4}-\d\d-\d\d \d\d:\d\d UTC to/);
    expect(pdfText).toContain(`SHA-256 ${statement0(text).evidenceExport.manifestSha256}`);
    // A PDF drawn from an edited statement (gaps shown as met): not the signed statement's drawing.
    const rosy = join(workDir, 'rosy.pdf');
    const signed = statement0(text);
    await writeFile(rosy, await statementPdf({ ...signed, drills: { ...signed.drills, verdict: 'met', summary: 'Every plan met its cadence.' } }));
    const rosyCheck = await runIrdr(local, ['evidence', 'check-statement', jsonFile, '--public-key-file', publicKeyFile, '--pdf', rosy]);
    expect(rosyCheck.code).toBe(1);
    expect(rosyCheck.output).toContain(`FAILED ${rosy} is not the drawing of this statement`);

    for (const file of [jsonFile, htmlFile]) {
      const checked = await runIrdr(local, ['evidence', 'check-statement', file, '--public-key-file', publicKeyFile, '--export', exportOut, '--pdf', pdfFile]);
      expect(checked.output, file).toContain(`and the export given is the one it summarises (manifest sha256 ${statement0(text).evidenceExport.manifestSha256}), every file intact; ${pdfFile} is its drawing`);
      expect(checked.code, file).toBe(0);
    }

    // The export as GET /evidence answers it with Accept: application/zip (one folder inside): the same check.
    const zipped = join(workDir, 'nda-export.zip');
    const { files, manifestText } = await readExportDirectory(exportOut);
    const folder = exportBaseName(statement0(text).period);
    const entries = Object.fromEntries([...files, ['manifest.json', Buffer.from(manifestText)] as const].map(([name, content]) => [`${folder}/${name}`, new Uint8Array(content)]));
    await writeFile(zipped, zipSync(entries));
    const zipCheck = await runIrdr(local, ['evidence', 'check-statement', jsonFile, '--public-key-file', publicKeyFile, '--export', zipped]);
    expect(zipCheck.output).toContain('and the export given is the one it summarises');
    expect(zipCheck.code).toBe(0);

    // A figure edited: the signature no longer matches.
    const statement = JSON.parse(text) as ContinuityStatement;
    const edited = join(workDir, 'edited.json');
    await writeFile(edited, text.replace('"verdict": "gaps"', '"verdict": "met"'));
    const editedCheck = await runIrdr(local, ['evidence', 'check-statement', edited, '--public-key-file', publicKeyFile]);
    expect(editedCheck.code).toBe(1);
    expect(editedCheck.output).toContain('FAILED the signature does not match the statement: it was changed after it was signed');

    // Edited and re-signed with another key: signed, but not by the pinned one.
    const other = generateKeyPairSync('ed25519');
    const forged = await signStatement({ ...statement, drills: { ...statement.drills, verdict: 'met' } }, keySigner(other.privateKey));
    const forgedFile = join(workDir, 'forged.json');
    await writeFile(forgedFile, JSON.stringify(forged));
    const forgedCheck = await runIrdr(local, ['evidence', 'check-statement', forgedFile, '--public-key-file', publicKeyFile]);
    expect(forgedCheck.code).toBe(1);
    expect(forgedCheck.output).toMatch(/FAILED signed by sha256:[0-9a-f]{64}, not by the pinned key/);

    // The statement held to another export (another period's): not the one it summarises.
    const otherExport = join(workDir, 'other-export');
    await runIrdr(local, ['evidence', 'export', '--from', '2026-01-01T00:00:00Z', '--to', '2026-02-01T00:00:00Z', '--out', otherExport, '--kms-key-id', 'alias/irdr-evidence-signing']);
    const mismatch = await runIrdr(local, ['evidence', 'check-statement', jsonFile, '--public-key-file', publicKeyFile, '--export', otherExport]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.output).toMatch(/FAILED the export is not the one this statement summarises: its manifest has SHA-256 [0-9a-f]{64}, the statement names [0-9a-f]{64}/);
  });

  it('refuses an unsigned statement request and a bad period before reading anything', async () => {
    const unsigned = await runIrdr(local, ['evidence', 'statement', '--period', '12m']);
    expect(unsigned.code).toBe(2);
    expect(unsigned.output).toContain('a continuity statement is signed with the evidence export\'s key');
    const bad = await runIrdr(local, ['evidence', 'statement', '--period', '5y', '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('<N>m (1-12 months) or <N>d (1-366 days)');
  });

  it('publishes the three public files to the S3 location given (the local S3 here), as written, and refuses a location that is not one', async () => {
    const s3 = new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.environment.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'trust-center-site' }));
    const out = join(workDir, 'published');
    const made = await runIrdr(local, ['evidence', 'statement', '--period', '30d', '--out', out, '--publish', 's3://trust-center-site/continuity', '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(made.output).toContain('published s3://trust-center-site/continuity/continuity-statement.json, s3://trust-center-site/continuity/continuity-statement.html, s3://trust-center-site/continuity/continuity-statement.pdf');
    expect(made.code).toBe(0);
    for (const [name, type] of [['continuity-statement.json', 'application/json'], ['continuity-statement.html', 'text/html; charset=utf-8']] as const) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'trust-center-site', Key: `continuity/${name}` }));
      expect(object.ContentType).toBe(type);
      const body = await object.Body!.transformToString();
      expect(body).toBe(await readFile(join(out, name), 'utf8'));
      expect(leaksIn(body)).toEqual([]);
    }
    const pdfObject = await s3.send(new GetObjectCommand({ Bucket: 'trust-center-site', Key: 'continuity/continuity-statement.pdf' }));
    expect(pdfObject.ContentType).toBe('application/pdf');
    expect(Buffer.from(await pdfObject.Body!.transformToByteArray()).equals(await readFile(join(out, 'continuity-statement.pdf')))).toBe(true);
    s3.destroy();
    const refused = await runIrdr(local, ['evidence', 'statement', '--period', '30d', '--publish', 'https://example.org/x', '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('s3://<bucket>[/<prefix>]');
    const nowhere = await runIrdr(local, ['evidence', 'statement', '--period', '30d', '--publish', '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.output).toContain('nowhere to publish');
    const missing = await runIrdr(local, ['evidence', 'statement', '--period', '30d', '--publish', 's3://no-such-bucket-here', '--kms-key-id', 'alias/irdr-evidence-signing']);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('the bucket does not exist');
  });
});
