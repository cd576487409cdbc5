import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, checkExport, keyFingerprint } from '../../functions/domain/evidence/export-manifest.js';
import { META_SK, RUNNING_EXPORT_SK, evidenceExportPk, incidentPk, runningExportPk } from '../../functions/domain/keys.js';
import { exportMonths } from '../../functions/domain/evidence/export-job.js';
import { tableDesign } from '../../functions/domain/table-design.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../../functions/domain/lambda-limits.js';
import { LOCAL_CREDENTIALS, LOCAL_EVIDENCE_EXPORT_BUCKET, LOCAL_REGION } from '../../local/stack-config.js';
import { seedSyntheticIncidents } from './support/synthetic-evidence.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runIrdr } from './support/irdr-cli.js';

let local: TestStack;
let incidentIds: string[];
let signingKey: KeyObject;
let exportSigningKey: KeyObject;
const now = Date.now();
const recent = `from=${encodeURIComponent(new Date(now - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 3_600_000).toISOString())}`;

const fetchExport = (query: string, accept?: string, token = 'dev-auditor') =>
  fetch(`${local.stack.urls.api}/evidence?${query}`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName(token)}`, ...(accept !== undefined && { accept }) } });

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60 });
  incidentIds = [];
  for (const severity of ['SEV1', 'SEV3']) {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: `Export ${severity}`, severity, summary: 'for the API export' });
    await local.waitForExecution(created.body.executionArn as string);
    incidentIds.push(created.body.incidentId as string);
  }
  // The key the auditor pins: read from KMS itself, as `aws kms get-public-key` would.
  const kms = new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.environment.AWS_ENDPOINT_URL_KMS! });
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/irdr-evidence-signing' }));
  signingKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
  // The asynchronous exports' key: a key has one signer, and theirs is RunEvidenceExport.
  const exportKey = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/irdr-evidence-export-signing' }));
  exportSigningKey = createPublicKey({ key: Buffer.from(exportKey.PublicKey!), format: 'der', type: 'spki' });
});
afterAll(async () => {
  await local?.stop();
});

describe('GET /evidence', () => {
  it('refuses, writing nothing: no period, a period too long, a responder, a media type it cannot give', async () => {
    const before = await local.tableItems();
    const missing = await fetchExport('');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toMatch(/from: .*to: /);
    const long = await fetchExport('from=2025-01-01T00:00:00Z&to=2026-06-01T00:00:00Z');
    expect(((await long.json()) as { message: string }).message).toContain('at most 366 days');
    const responder = await fetchExport(recent, undefined, 'dev-responder');
    expect(responder.status).toBe(403);
    expect(((await responder.json()) as { message: string }).message).toMatch(/commander or auditor/);
    const png = await fetchExport(recent, 'image/png');
    expect(png.status).toBe(406);
    expect(((await png.json()) as { message: string }).message).toBe('GET /evidence answers with application/json, application/zip, text/html: ask for one of them in Accept');
    expect(await local.tableItems()).toEqual(before);
  });

  it('answers JSON by default: every incident of the period, files that match the manifest, signed by the KMS key', async () => {
    const response = await fetchExport(recent);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-irdr-manifest-signature')).toBe(`Ed25519 ${keyFingerprint(signingKey)}`);
    const body = (await response.json()) as { manifest: Record<string, unknown>; files: Array<{ name: string; content: string }> };
    const files = new Map(body.files.map(({ name, content }) => [name, Buffer.from(content, 'utf8')]));
    expect([...files.keys()].sort()).toEqual(['controls.csv', 'corrective-actions.csv', 'corrective-actions.json', 'drill-runs.csv', 'drill-runs.json', 'estate-coverage.csv', 'estate-coverage.json', 'incidents.csv', 'incidents.json', 'ir-plan-tests.csv', 'ir-plan-tests.json', 'report.html']);
    const exported = JSON.parse(files.get('incidents.json')!.toString('utf8')) as { incidents: Array<{ incident: { incidentId: string } }> };
    expect(exported.incidents.map(({ incident }) => incident.incidentId).sort()).toEqual([...incidentIds].sort());
    for (const incidentId of incidentIds) expect(files.get('incidents.csv')!.toString('utf8')).toContain(incidentId);

    const check = checkExport(JSON.stringify(body.manifest), files, signingKey);
    expect(check.problems).toEqual([]);
    expect(check.signature).toBe('valid');
    expect(check.matched).toBe(12);
  });

  it('answers application/zip with the export folder, which checks as a directory export does', async () => {
    const response = await fetchExport(recent, 'application/zip');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const disposition = response.headers.get('content-disposition') ?? '';
    const folder = /filename="(irdr-evidence_\d{8}T\d{6}Z_\d{8}T\d{6}Z)\.zip"/.exec(disposition)?.[1];
    expect(folder).toBeDefined();
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const names = Object.keys(entries);
    expect(names.every((name) => name.startsWith(`${folder}/`))).toBe(true);
    const files = new Map(names.filter((name) => !name.endsWith(`/${MANIFEST_FILE}`)).map((name) => [name.slice(folder!.length + 1), Buffer.from(entries[name]!)]));
    const manifest = Buffer.from(entries[`${folder}/${MANIFEST_FILE}`]!).toString('utf8');
    const check = checkExport(manifest, files, signingKey);
    expect(check.problems).toEqual([]);
    expect(check.signature).toBe('valid');
    // A file changed after download is named.
    files.set('incidents.csv', Buffer.concat([files.get('incidents.csv')!, Buffer.from('extra,row\n')]));
    expect(checkExport(manifest, files, signingKey).problems).toEqual([expect.stringMatching(/^incidents\.csv: changed; expected sha256/)]);
  });

  it('answers text/html with the report alone, for a browser', async () => {
    const response = await fetchExport(recent, 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'dev-commander');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/i);
    for (const incidentId of incidentIds) expect(html).toContain(incidentId);
  });

  it('says how to get a period it cannot read within the invocation, rather than timing out (a bare 503 behind API Gateway)', async () => {
    // The local knob starts the invocation with 8 s left, under the 10 s the handler keeps for building and answering.
    local.stack.faults.functions.set('ExportEvidence', { mode: 'out-of-time', remainingMs: 8_000, times: 1 });
    const response = await fetchExport(recent);
    expect(response.status).toBe(422);
    const refused = (await response.json()) as { message: string; phase: string; trailsRead: number; trailsInPhase: number };
    expect(refused).toMatchObject({ phase: 'incidents', trailsRead: 1, trailsInPhase: incidentIds.length });
    expect(refused.message).toMatch(/holds more than one API call can read in time \(API Gateway waits 30 s; 1 of 2 incident trails were read\): ask for a shorter period, or run irdr evidence export/);
    // The knob held for one call: the next one has the function's whole timeout and answers.
    expect((await fetchExport(recent)).status).toBe(200);
  });

  it('says how to get a period too large for one response (over Lambda\'s 6 MB) rather than failing', async () => {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const { partitionKey, sortKey } = tableDesign;
    const template = (await documents.send(new GetCommand({ TableName: local.stack.tableName, Key: { [partitionKey]: incidentPk(incidentIds[0]!), [sortKey]: META_SK } }))).Item!;
    // 2025-03-01: 30 incidents of 20 events with 12 KB notes, about 7 MB of JSON, which compresses well below 6 MB.
    const start = Date.UTC(2025, 2, 1);
    await seedSyntheticIncidents({ documents, tableName: local.stack.tableName, startMs: start, spanMs: 86_400_000 }, template, { count: 30, events: 20, noteBytes: 12_000 });
    const march = `from=${new Date(start).toISOString()}&to=${new Date(start + 86_400_000).toISOString()}`;

    const json = await fetchExport(march);
    expect(json.status).toBe(422);
    const refused = (await json.json()) as { message: string; bytes: number; limitBytes: number };
    expect(refused.limitBytes).toBe(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(refused.bytes).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(refused.message).toMatch(/over the 6\.0 MB an API response can carry: ask for application\/zip \(compressed\), or ask for a shorter period, or run irdr evidence export/);

    const zip = await fetchExport(march, 'application/zip');
    expect(zip.status).toBe(200);
    const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const incidentsJson = Object.entries(entries).find(([name]) => name.endsWith('/incidents.json'))![1];
    expect((JSON.parse(Buffer.from(incidentsJson).toString('utf8')) as { incidents: unknown[] }).incidents).toHaveLength(30);
  });
});

describe('POST /evidence/exports (asynchronous, any period)', () => {
  const call = (method: 'GET' | 'POST', path: string, token: string, body?: unknown) =>
    fetch(`${local.stack.urls.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName(token)}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  interface ExportView {
    exportId: string;
    status: string;
    started?: boolean;
    progress: { monthsCollected: number; months: number; eventsCollected: number };
    failure?: string;
    trails?: { total: number; broken: number };
    zip?: { sha256: string; keyFingerprint: string };
    download?: { available: boolean; url?: string; expiresAt?: string; reason?: string };
  }
  /** Polls as the commander (who sees progress, never a link) until the export ends; every progress seen on the way. */
  const untilEnded = async (exportId: string): Promise<{ view: ExportView; seen: number[] }> => {
    const seen: number[] = [];
    for (let attempt = 0; attempt < 1_200; attempt += 1) {
      const view = (await (await call('GET', `/evidence/exports/${exportId}`, 'dev-commander')).json()) as ExportView;
      seen.push(view.progress.monthsCollected);
      if (view.status !== 'running') return { view, seen };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`export ${exportId} still running`);
  };
  // A synthetic year, away from the other tests' periods: 24 incidents of 6 events, two a month.
  const year = { from: '2023-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' };
  // The year's completed export, and the second export of the same year started once it ended (the link tests use both).
  let yearExport: { exportId: string; sha256: string };
  let nextExportId: string;
  /** What S3 refused a request with, read from its XML error document; the status alone when it served it. */
  const s3Refusal = async (response: Response) => {
    const body = await response.text();
    const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
    return response.ok ? { status: response.status } : { status: response.status, code: element('Code'), message: element('Message') };
  };

  beforeAll(async () => {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const { partitionKey, sortKey } = tableDesign;
    const template = (await documents.send(new GetCommand({ TableName: local.stack.tableName, Key: { [partitionKey]: incidentPk(incidentIds[0]!), [sortKey]: META_SK } }))).Item!;
    await seedSyntheticIncidents({ documents, tableName: local.stack.tableName, startMs: Date.parse(year.from), spanMs: 365 * 86_400_000 }, template, { count: 24, events: 6 });
  });

  it('refuses, starting nothing: an inverted period, an unbounded one, a responder, an id no export has', async () => {
    const before = await local.tableItems();
    const inverted = await call('POST', '/evidence/exports', 'dev-auditor', { from: year.to, to: year.from });
    expect(inverted.status).toBe(400);
    expect(((await inverted.json()) as { message: string }).message).toContain('to: from must be before to');
    const unbounded = await call('POST', '/evidence/exports', 'dev-auditor', { from: year.from });
    expect(unbounded.status).toBe(400);
    expect(((await unbounded.json()) as { message: string }).message).toMatch(/to: /);
    const decades = await call('POST', '/evidence/exports', 'dev-auditor', { from: '2000-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' });
    expect(((await decades.json()) as { message: string }).message).toContain('at most 3660 days');
    const responder = await call('POST', '/evidence/exports', 'dev-responder', year);
    expect(responder.status).toBe(403);
    expect(((await responder.json()) as { message: string }).message).toMatch(/commander or auditor/);
    const unknown = await call('GET', `/evidence/exports/ex-${'0'.repeat(32)}`, 'dev-auditor');
    expect(unknown.status).toBe(404);
    const malformed = await call('GET', '/evidence/exports/..%2Fdigests', 'dev-auditor');
    expect(malformed.status).toBe(404);
    // No record, no running-export marker, no trail: so no execution either (the record is written before it starts).
    expect(await local.tableItems()).toEqual(before);
  });

  it('exports a year month by month with progress, once per period while it runs, into a signed zip only the auditor gets a link to', async () => {
    // The first month's reader starts late, as a cold one would: the export is surely still running when it is asked for again.
    local.stack.faults.functions.set('RunEvidenceExport', { mode: 'delay', delayMs: 500, times: 1 });
    const first = await call('POST', '/evidence/exports', 'dev-auditor', year);
    expect(first.status).toBe(202);
    const started = (await first.json()) as ExportView;
    expect(started).toMatchObject({ status: 'running', started: true, progress: { monthsCollected: 0, months: 12 } });
    expect(first.headers.get('location')).toBe(`/evidence/exports/${started.exportId}`);
    // The same period again while it runs: the running export, not a second one.
    const again = await call('POST', '/evidence/exports', 'dev-commander', year);
    const second = (await again.json()) as ExportView;
    expect([again.status, second.exportId, second.status, second.started]).toEqual([200, started.exportId, 'running', false]);

    const { view, seen } = await untilEnded(started.exportId);
    expect(view).toMatchObject({ status: 'completed', progress: { monthsCollected: 12, months: 12, eventsCollected: 24 * 6 }, trails: { total: 24, broken: 0 } });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(view.download).toEqual({ available: false, reason: 'a download link is issued to the auditor role only' });

    const auditorView = (await (await call('GET', `/evidence/exports/${started.exportId}`, 'dev-auditor')).json()) as ExportView;
    expect(auditorView.download?.available).toBe(true);
    const zip = await fetch(auditorView.download!.url!);
    expect(zip.status).toBe(200);
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(view.zip!.sha256);
    const entries = unzipSync(new Uint8Array(bytes));
    const files = new Map(Object.entries(entries).filter(([name]) => !name.endsWith(`/${MANIFEST_FILE}`)).map(([name, content]) => [name.split('/').pop()!, Buffer.from(content)]));
    const manifest = Object.entries(entries).find(([name]) => name.endsWith(`/${MANIFEST_FILE}`))![1];
    // Pinned to the exports' key, and not valid for GET /evidence's key: each key has its one signer.
    expect(checkExport(Buffer.from(manifest).toString('utf8'), files, signingKey).signature).toBe('wrong-key');
    const check = checkExport(Buffer.from(manifest).toString('utf8'), files, exportSigningKey);
    expect(view.zip!.keyFingerprint).toBe(keyFingerprint(exportSigningKey));
    expect(check.problems).toEqual([]);
    expect(check.signature).toBe('valid');
    const exported = JSON.parse(files.get('incidents.json')!.toString('utf8')) as { period: unknown; incidents: Array<{ trail: { intact: boolean } }> };
    expect(exported.period).toEqual(year);
    expect(exported.incidents).toHaveLength(24);
    expect(exported.incidents.every(({ trail }) => trail.intact)).toBe(true);

    // The link is short-lived: the same link dated an hour earlier has expired (S3 looks at the window before the signature).
    // The credential's scope date moves with it, as S3 refuses a scope date not X-Amz-Date's (400) first: an hour before 01:00 UTC is yesterday.
    const stale = new URL(auditorView.download!.url!);
    const staleDate = new Date(Date.now() - 3_600_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    stale.searchParams.set('X-Amz-Date', staleDate);
    stale.searchParams.set('X-Amz-Credential', stale.searchParams.get('X-Amz-Credential')!.replace(/\/\d{8}\//, `/${staleDate.slice(0, 8)}/`));
    expect(await s3Refusal(await fetch(stale))).toEqual({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
    yearExport = { exportId: started.exportId, sha256: view.zip!.sha256 };

    // The export's trail: asked for by the auditor, completed, and the link given to the auditor (the commander's look is not a download).
    const trail =
      (
        await DynamoDBDocumentClient.from(local.dynamodb).send(
          new QueryCommand({ TableName: local.stack.tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :evt)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey }, ExpressionAttributeValues: { ':pk': evidenceExportPk(started.exportId), ':evt': 'EVT#' } }),
        )
      ).Items ?? [];
    expect(trail.map((event) => event.type)).toEqual(['export.requested', 'export.completed', 'export.download-issued']);
    expect(String(trail[2]!.actor)).toMatch(/auditor/);

    // Once it has ended, the period may be exported again.
    const next = await call('POST', '/evidence/exports', 'dev-auditor', year);
    expect(next.status).toBe(202);
    nextExportId = ((await next.json()) as ExportView).exportId;
    expect(nextExportId).not.toBe(started.exportId);
  });

  it('irdr evidence export --remote: the export through the API with progress, unpacked into a folder check-export holds to the exports key', async () => {
    const out = await mkdtemp(join(tmpdir(), 'irdr-remote-export-'));
    try {
      const keyFile = join(out, 'export-key.pub.pem');
      await writeFile(keyFile, exportSigningKey.export({ type: 'spki', format: 'pem' }));
      const folder = join(out, 'audit');
      const exported = await runIrdr(local, ['evidence', 'export', '--remote', '--from', year.from, '--to', year.to, '--out', folder, '--token', 'dev-auditor']);
      expect(exported.output).toMatch(/(started|joined the running) export ex-[0-9a-f]{32}/);
      expect(exported.output).toContain('[####################] 12/12 months, 144 events');
      expect(exported.output).toMatch(/exported 24 trails, 0 broken/);
      expect(exported.code).toBe(0);
      const checked = await runIrdr(local, ['evidence', 'check-export', folder, '--public-key-file', keyFile]);
      expect(checked.output).toMatch(/valid/);
      expect(checked.code).toBe(0);
      // As the commander the export runs, but no link is given: the CLI says so and exits 1, writing nothing.
      const commander = await runIrdr(local, ['evidence', 'export', '--remote', '--from', year.from, '--to', year.to, '--out', join(out, 'commander'), '--token', 'dev-commander']);
      expect(commander.output).toContain('no download link was given: a download link is issued to the auditor role only');
      expect(commander.code).toBe(1);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('irdr evidence export --remote that joins an export ending as it joins reads its link, not a refusal (the POST answer carries none)', async () => {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const claim = { [tableDesign.partitionKey]: runningExportPk(year), [tableDesign.sortKey]: RUNNING_EXPORT_SK };
    const claimed = (await documents.send(new GetCommand({ TableName: local.stack.tableName, Key: claim, ConsistentRead: true }))).Item;
    // The period's claim still names the completed year export: the CLI's POST joins it and gets a completed view back.
    await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { ...claim, exportId: yearExport.exportId, running: true, claimedAt: new Date().toISOString() } }));
    const out = await mkdtemp(join(tmpdir(), 'irdr-remote-joined-'));
    try {
      const exported = await runIrdr(local, ['evidence', 'export', '--remote', '--from', year.from, '--to', year.to, '--out', join(out, 'audit'), '--token', 'dev-auditor']);
      expect(exported.output).toContain(`joined the running export ${yearExport.exportId}`);
      expect(exported.output).toMatch(/exported 24 trails, 0 broken/);
      expect(exported.code).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
      if (claimed) await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: claimed }));
    }
  });

  it('holds the download link to its signature, as S3 does: a forwarded link cannot be re-aimed, lengthened, stripped, reused late or used to write', async () => {
    const { view: other } = await untilEnded(nextExportId);
    expect(other.status).toBe('completed');
    const linkOf = async (exportId: string) => new URL(((await (await call('GET', `/evidence/exports/${exportId}`, 'dev-auditor')).json()) as ExportView).download!.url!);
    const link = await linkOf(yearExport.exportId);
    const otherLink = await linkOf(nextExportId);
    const refusal = async (url: URL, init?: RequestInit) => s3Refusal(await fetch(url, init));
    const mismatch = { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' };

    // Another export's zip, through this link's signature.
    const reaimed = new URL(link);
    reaimed.pathname = otherLink.pathname;
    expect(await refusal(reaimed)).toEqual(mismatch);
    // A week instead of five minutes.
    const lengthened = new URL(link);
    lengthened.searchParams.set('X-Amz-Expires', '604800');
    expect(await refusal(lengthened)).toEqual(mismatch);
    // The signature altered, taken out, or every signing parameter taken out (an anonymous request: the bucket is not public).
    const altered = new URL(link);
    const signature = altered.searchParams.get('X-Amz-Signature')!;
    altered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect(await refusal(altered)).toEqual(mismatch);
    const unsigned = new URL(link);
    unsigned.searchParams.delete('X-Amz-Signature');
    expect(await refusal(unsigned)).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
    const bare = new URL(link.origin + link.pathname);
    expect(await refusal(bare)).toEqual({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    // A GET link used to overwrite or delete the zip.
    expect(await refusal(link, { method: 'PUT', body: 'not the export' })).toEqual(mismatch);
    expect(await refusal(link, { method: 'DELETE' })).toEqual(mismatch);

    // The honest link still downloads the exact zip the export recorded: nothing above was served or changed.
    const honest = await fetch(link);
    expect(honest.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await honest.arrayBuffer())).digest('hex')).toBe(yearExport.sha256);
    // Five minutes and a millisecond later by the S3's clock, the same link has expired.
    local.stack.faults.s3.setClockAhead(300_001);
    try {
      expect(await refusal(link)).toEqual({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
    } finally {
      local.stack.faults.s3.setClockAhead(0);
    }
  });

  it("counts a month once when its step is retried after it wrote its part and progress (Lambda's answer lost)", async () => {
    // The seeded year's first quarter: 6 incidents of 6 events.
    const quarter = { from: year.from, to: '2023-04-01T00:00:00.000Z' };
    local.stack.faults.functions.set('RunEvidenceExport', { mode: 'lost-answer', times: 1 });
    const response = await call('POST', '/evidence/exports', 'dev-auditor', quarter);
    expect(response.status).toBe(202);
    const { view, seen } = await untilEnded(((await response.json()) as ExportView).exportId);
    // Counted with ADD, the retried month made it 4/3 months, its events counted twice (54).
    expect(view).toMatchObject({ status: 'completed', progress: { monthsCollected: 3, months: 3, eventsCollected: 6 * 6 }, trails: { total: 6, broken: 0 } });
    expect(Math.max(...seen)).toBe(3);
  });

  it('answers a start racing another of the same period (claimed, its record not yet written) with that export or a 409, never a 5xx', async () => {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const { partitionKey, sortKey } = tableDesign;
    const claimOf = (period: { from: string; to: string }, exportId: string) =>
      documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { [partitionKey]: runningExportPk(period), [sortKey]: RUNNING_EXPORT_SK, exportId, running: true, claimedAt: new Date().toISOString() } }));
    // The racing start claimed the period and writes its record a moment later: the second start answers with it.
    const slow = { from: '2019-01-01T00:00:00.000Z', to: '2019-02-01T00:00:00.000Z' };
    const slowId = `ex-${'5a'.repeat(16)}`;
    await claimOf(slow, slowId);
    // The function warm first, so the start surely reads before the record is written.
    expect((await call('GET', `/evidence/exports/${slowId}`, 'dev-auditor')).status).toBe(404);
    const asked = call('POST', '/evidence/exports', 'dev-auditor', slow);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const record = { exportId: slowId, period: slow, requestedBy: 'arn:aws:iam::000000000000:user/dev-auditor', requestedAt: new Date().toISOString(), status: 'running', months: 1, monthsDone: {} };
    await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { [partitionKey]: evidenceExportPk(slowId), [sortKey]: META_SK, ...record } }));
    const joined = await asked;
    const joinedView = (await joined.json()) as ExportView;
    expect([joined.status, joinedView.exportId, joinedView.started]).toEqual([200, slowId, false]);
    // The racing start died between its claim and its record: a 409 naming it and when the period frees, nothing written.
    const dead = { from: '2019-03-01T00:00:00.000Z', to: '2019-04-01T00:00:00.000Z' };
    const deadId = `ex-${'de'.repeat(16)}`;
    await claimOf(dead, deadId);
    const before = await local.tableItems();
    const refused = await call('POST', '/evidence/exports', 'dev-auditor', dead);
    const body = (await refused.json()) as { message: string; exportId: string };
    expect(refused.status, body.message).toBe(409);
    expect(body).toMatchObject({ exportId: deadId, message: expect.stringMatching(new RegExp(`${deadId}.*free again from \\d{4}-`)) });
    expect(await local.tableItems()).toEqual(before);
  });

  it('carries on an export started before the month set existed (its record counted with ADD): the month is set, not refused', async () => {
    const { collectExportMonth } = await import('../../functions/aws/evidence-export-jobs.js');
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const exportId = `ex-${'e0'.repeat(16)}`;
    const key = { [tableDesign.partitionKey]: evidenceExportPk(exportId), [tableDesign.sortKey]: META_SK };
    // As the fifth session's code wrote it: counters, no monthsDone.
    await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { ...key, exportId, period: year, requestedBy: 'arn:aws:iam::000000000000:user/dev-auditor', requestedAt: new Date().toISOString(), status: 'running', months: 12, monthsCollected: 1, eventsCollected: 6 } }));
    const [january] = exportMonths(year);
    const collected = await collectExportMonth(local.stack.tableName, LOCAL_EVIDENCE_EXPORT_BUCKET, exportId, january!);
    const record = (await documents.send(new GetCommand({ TableName: local.stack.tableName, Key: key, ConsistentRead: true }))).Item!;
    expect(record.monthsDone).toEqual({ [january!.month]: collected.events });
  });

  it('records a failed export with its reason and never issues a link for it', async () => {
    const quarter = { from: '2022-01-01T00:00:00.000Z', to: '2022-04-01T00:00:00.000Z' };
    expect(exportMonths(quarter)).toHaveLength(3);
    // The first month's reader fails (not a transient error, so no retry): the Map fails, the failure is recorded.
    local.stack.faults.functions.set('RunEvidenceExport', { mode: 'throw', times: 1 });
    const response = await call('POST', '/evidence/exports', 'dev-auditor', quarter);
    expect(response.status).toBe(202);
    const { exportId } = (await response.json()) as ExportView;
    const { view } = await untilEnded(exportId);
    expect(view.status).toBe('failed');
    expect(view.failure).toMatch(/^InjectedFault: RunEvidenceExport was told to fail/);
    const auditorView = (await (await call('GET', `/evidence/exports/${exportId}`, 'dev-auditor')).json()) as ExportView;
    expect(auditorView).toMatchObject({ status: 'failed' });
    expect(auditorView.download).toBeUndefined();
    expect(auditorView.zip).toBeUndefined();
  });
});
