import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compliancePlatformCredentials, vantaToken } from '../../functions/aws/compliance-platform-client.js';
import { queuedSubjects } from '../../functions/aws/compliance-platform-store.js';
import { listStoredEvents } from '../../functions/aws/event-trail.js';
import { verifyChain } from '../../functions/domain/chain-verify.js';
import { PUSHED_EVENT, PUSH_REFUSED_EVENT, PUSH_REJECTED_EVENT, PUSH_REOPENED_EVENT } from '../../functions/domain/compliance-platform/push-plan.js';
import { drillRunPk, evidenceExportPk, incidentPk } from '../../functions/domain/keys.js';
import { LOCAL_DRATA_WORKSPACE_ID, LOCAL_VANTA_DOCUMENT_ID, LOCAL_VANTA_RESOURCE_ID } from '../../local/compliance-platforms/server.js';
import { LOCAL_CREDENTIALS, LOCAL_EVIDENCE_EXPORT_BUCKET, LOCAL_REGION } from '../../local/stack-config.js';
import { deployConfigChange } from './support/config-change.js';
import { runIrdr } from './support/irdr-cli.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const SOURCE = 'irdr-compliance-orders';
const plans = [testPlan({ id: 'compliance-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })];

let local: TestStack;
let undeploy: () => void;
let lambda: LambdaClient;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60, drillPlans: plans, dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } });
  await drillSession(local).restorableSource(SOURCE, 5);
  undeploy = deployConfigChange((config) => ({
    ...config,
    compliancePlatforms: {
      vanta: { documentId: LOCAL_VANTA_DOCUMENT_ID, customResourceId: LOCAL_VANTA_RESOURCE_ID },
      drata: { apiUrl: 'https://drata.example/public', workspaceId: LOCAL_DRATA_WORKSPACE_ID, ownerId: 5, controlIds: [11, 12] },
    },
  }));
  lambda = new LambdaClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA });
});
afterAll(async () => {
  undeploy?.();
  lambda?.destroy();
  await local?.stop();
});
beforeEach(() => {
  local.stack.compliancePlatforms.vanta.faults.clear();
  local.stack.compliancePlatforms.drata.faults.clear();
});

const platforms = () => local.stack.compliancePlatforms;
const trailEvents = async (partitionKey: string) => (await listStoredEvents(local.stack.tableName, partitionKey)).map(({ event }) => event);
const pushEvents = async (partitionKey: string) => (await trailEvents(partitionKey)).filter((event) => event.type === PUSHED_EVENT || event.type === PUSH_REJECTED_EVENT);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Invokes the push function as Lambda does (RequestResponse), and says whether it failed. */
async function invokePush(payload: unknown): Promise<{ failed: boolean; body: any }> {
  const result = await lambda.send(new InvokeCommand({ FunctionName: local.stack.environment.COMPLIANCE_PUSH_FUNCTION_NAME ?? 'PushComplianceEvidence', Payload: JSON.stringify(payload) }));
  return { failed: result.FunctionError !== undefined, body: JSON.parse(new TextDecoder().decode(result.Payload)) };
}

async function resolvedIncident(): Promise<string> {
  const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Compliance push', severity: 'SEV3', summary: 'for the compliance push' });
  expect(created.status).toBe(202);
  await local.waitForExecution(created.body.executionArn as string);
  const incidentId = created.body.incidentId as string;
  expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-responder' })).status).toBe(200);
  return incidentId;
}

const uploadsOf = (hash: string) => platforms().vanta.uploads.filter((upload) => upload.description?.includes(hash));

describe('a signed-off drill run', () => {
  it('appears in the local Vanta as a document upload (submitted) and a custom resource, and in Drata, each once and in the trail', async () => {
    const started = await local.api('POST', '/drills/compliance-pitr/runs', { headers: { 'idempotency-key': randomUUID() } });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    expect((await local.waitForExecution(started.body.executionArn as string, 2400)).status).toBe('SUCCEEDED');
    const signed = await local.api('POST', `/drill-runs/${runId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted', comment: 'within targets' } });
    expect(signed.status).toBe(201);
    const hash = signed.body.event.hash as string;
    // A retry racing the asynchronous push: two more invocations for the same record at once.
    const racing = await Promise.all([invokePush({ subject: { kind: 'drill-run', id: runId } }), invokePush({ subject: { kind: 'drill-run', id: runId } })]);
    expect(racing.every((invocation) => !invocation.failed), JSON.stringify(racing)).toBe(true);

    const pushed = await waitFor('four pushes in the trail', async () => {
      const events = await pushEvents(drillRunPk(runId));
      return events.length >= 4 ? events : undefined;
    });
    const uploads = uploadsOf(hash);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ documentId: LOCAL_VANTA_DOCUMENT_ID, contentType: 'application/pdf', fileName: `irdr-drill-run-${runId}-${hash.slice(0, 12)}.pdf` });
    expect(platforms().vanta.submits.filter((submit) => submit.documentId === LOCAL_VANTA_DOCUMENT_ID).length).toBeGreaterThanOrEqual(1);
    const resource = platforms().vanta.resources.get(LOCAL_VANTA_RESOURCE_ID)?.find((candidate) => candidate.uniqueId === 'irdr-drill-plan-compliance-pitr');
    expect(resource?.customProperties).toMatchObject({ planId: 'compliance-pitr', lastRunId: runId, verdict: 'passed', failing: false, daysSinceLastPass: 0, overdue: false, rtoMet: true });
    const drata = platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash));
    expect(drata).toHaveLength(1);
    expect(drata[0]).toMatchObject({ workspaceId: LOCAL_DRATA_WORKSPACE_ID, ownerId: 5, controlIds: [11, 12], sha256: uploads[0]!.sha256 });

    // What was pushed, where, the hash pushed and the vendor's id, once each, in a trail that still verifies.
    expect(pushed.map((event) => (event.detail as { target: string }).target).sort()).toEqual(['drata-evidence', 'vanta-document', 'vanta-document-submit', 'vanta-drill-resources']);
    const upload = pushed.find((event) => (event.detail as { target: string }).target === 'vanta-document')!;
    expect(upload.detail).toMatchObject({ where: `vanta document ${LOCAL_VANTA_DOCUMENT_ID}`, evidenceHash: hash, vendorId: uploads[0]!.id });
    expect(verifyChain(await listStoredEvents(local.stack.tableName, drillRunPk(runId))).problems).toEqual([]);

    // A retry, the hourly run and a re-sent sign-off push nothing again.
    const retry = await invokePush({ subject: { kind: 'drill-run', id: runId } });
    expect(retry.body.outcomes.map((outcome: { result: string }) => outcome.result)).toEqual(['done-before', 'done-before', 'done-before', 'done-before']);
    expect((await invokePush({})).failed).toBe(false);
    expect((await local.api('POST', `/drill-runs/${runId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } })).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uploadsOf(hash)).toHaveLength(1);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);
    expect(await pushEvents(drillRunPk(runId))).toHaveLength(4);
  });
});

describe('when a platform answers with errors', () => {
  it('retries a 429 after its Retry-After, with backoff, and the upload then goes through once', async () => {
    platforms().vanta.faults.answerNext(429, { retryAfterSeconds: 1, message: 'Too many requests' });
    const incidentId = await resolvedIncident();
    const before = platforms().vanta.requests.length;
    const signed = await local.api('POST', `/incidents/${incidentId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
    expect(signed.status).toBe(201);
    const hash = signed.body.event.hash as string;
    await waitFor('the upload after the 429', () => (uploadsOf(hash).length > 0 ? true : undefined));
    const attempts = platforms().vanta.requests.slice(before).filter((request) => request.path.endsWith('/uploads'));
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    await waitFor('three pushes in the trail', async () => ((await pushEvents(incidentPk(incidentId))).length >= 3 ? true : undefined));
    expect(uploadsOf(hash)).toHaveLength(1);
  });

  it("records a 400 with the vendor's message and does not retry it, while Drata still gets its copy", async () => {
    platforms().vanta.faults.answerNext(400, { message: 'File type is not accepted for this document' });
    const incidentId = await resolvedIncident();
    const before = platforms().vanta.requests.length;
    const signed = await local.api('POST', `/incidents/${incidentId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
    const hash = signed.body.event.hash as string;
    const events = await waitFor('the rejection and the Drata push', async () => {
      const found = await pushEvents(incidentPk(incidentId));
      return found.some((event) => event.type === PUSH_REJECTED_EVENT) && found.some((event) => (event.detail as { target: string }).target === 'drata-evidence') ? found : undefined;
    });
    expect(events.find((event) => event.type === PUSH_REJECTED_EVENT)?.detail).toMatchObject({ target: 'vanta-document', status: 400, message: 'File type is not accepted for this document', evidenceHash: hash });
    // The hourly run and a retry leave it alone: one attempt, no submit of a document whose file was refused.
    await invokePush({});
    const retry = await invokePush({ subject: { kind: 'incident', id: incidentId } });
    expect(retry.failed).toBe(false);
    const calls = platforms().vanta.requests.slice(before).filter((request) => request.path.includes(`/documents/${LOCAL_VANTA_DOCUMENT_ID}/`));
    expect(calls.map((call) => [call.path.split('/').at(-1), call.status])).toEqual([['uploads', 400]]);
    expect(uploadsOf(hash)).toHaveLength(0);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);

    // A person asks again once the cause is fixed: refused again by the vendor, the record keeps both answers.
    platforms().vanta.faults.answerNext(400, { message: 'Document is archived' });
    const refusedAgain = await invokePush({ subject: { kind: 'incident', id: incidentId }, retryRejected: true });
    expect(refusedAgain.failed, JSON.stringify(refusedAgain.body)).toBe(true);
    const record = async () => (await local.deduplicationItems()).find((item) => item.subject?.S === `incident#${incidentId}` && item.target?.S === 'vanta-document');
    expect((await record())?.rejection?.M?.message?.S).toBe('Document is archived');
    expect((await record())?.previousRejections?.L?.map((entry) => entry.M?.message?.S)).toEqual(['File type is not accepted for this document']);
    // Fixed: the upload and its submit are made once, the trail says it was reopened (with what Vanta had said) and pushed.
    // The hourly run (each real minute at time scale 60) may lease the reopened push between the CLI's reopen and its own
    // lease: the CLI then says busy and the run uploads and submits. Either way, once.
    const retried = await runIrdr(local, ['evidence', 'push-again', '--incident', incidentId]);
    expect(retried, retried.output).toMatchObject({ code: 0, output: expect.stringMatching(/vanta-document to vanta document .*: (pushed|busy)[\s\S]*vanta-document-submit .*: (pushed|busy)[\s\S]*drata-evidence .*: done-before/) });
    await waitFor('the upload and its submit in the trail', async () => {
      const targets = (await pushEvents(incidentPk(incidentId))).filter((event) => event.type === PUSHED_EVENT).map((event) => (event.detail as { target: string }).target);
      return targets.includes('vanta-document') && targets.includes('vanta-document-submit') ? true : undefined;
    });
    expect(uploadsOf(hash)).toHaveLength(1);
    expect(platforms().vanta.submits.length).toBeGreaterThan(0);
    const trail = await pushEvents(incidentPk(incidentId));
    const reopened = (await trailEvents(incidentPk(incidentId))).filter((event) => event.type === PUSH_REOPENED_EVENT);
    expect(reopened.map((event) => (event.detail as { previousRejection: { message: string } }).previousRejection.message)).toEqual(['File type is not accepted for this document', 'Document is archived']);
    expect(trail.filter((event) => event.type === PUSHED_EVENT).map((event) => (event.detail as { target: string }).target).sort()).toEqual(['drata-evidence', 'vanta-document', 'vanta-document-submit']);
    // Asked again, or the hourly run: nothing is uploaded twice, and Drata's copy is not sent again.
    expect((await invokePush({ subject: { kind: 'incident', id: incidentId }, retryRejected: true })).failed).toBe(false);
    expect((await invokePush({})).failed).toBe(false);
    expect(uploadsOf(hash)).toHaveLength(1);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);
    expect(await runIrdr(local, ['evidence', 'push-again', '--incident', incidentId, '--drill-run', 'x'])).toMatchObject({ code: 2, output: expect.stringContaining('name one record') });
    // retryRejected names the record it is for: the schedule's run never takes it (a 4xx is not retried on its own).
    expect((await invokePush({ retryRejected: true })).failed).toBe(true);
    expect(verifyChain(await listStoredEvents(local.stack.tableName, incidentPk(incidentId))).problems).toEqual([]);
  });

  it('keeps a push the platform cannot take now queued, fails the invocation (alarm), and the hourly run pushes it once', async () => {
    // Unavailable for longer than a call may wait: the push stays pending rather than holding the function.
    platforms().drata.faults.answerNext(503, { retryAfterSeconds: 600, message: 'maintenance' });
    const incidentId = await resolvedIncident();
    const signed = await local.api('POST', `/incidents/${incidentId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
    const hash = signed.body.event.hash as string;
    await waitFor('the Vanta pushes', async () => ((await pushEvents(incidentPk(incidentId))).length >= 2 ? true : undefined));
    await waitFor('the 503 answered', () => (platforms().drata.requests.some((request) => request.status === 503) ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(0);

    const hourly = await invokePush({});
    expect(hourly.failed, JSON.stringify(hourly.body)).toBe(false);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);
    expect(uploadsOf(hash)).toHaveLength(1);
    const again = await invokePush({});
    expect(again.failed).toBe(false);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);
    expect((await pushEvents(incidentPk(incidentId))).filter((event) => (event.detail as { target: string }).target === 'drata-evidence')).toHaveLength(1);
  });
});

describe('when the push function itself fails', () => {
  it('keeps the signed-off record queued (the sign-off still succeeds), and the hourly run pushes it once', async () => {
    const incidentId = await resolvedIncident();
    local.stack.faults.functions.set('PushComplianceEvidence', { mode: 'throw' });
    let hash: string;
    try {
      const signed = await local.api('POST', `/incidents/${incidentId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
      expect(signed.status).toBe(201);
      hash = signed.body.event.hash as string;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(uploadsOf(hash)).toHaveLength(0);
      expect(await queuedSubjects(local.stack.deduplicationTableName)).toContainEqual({ kind: 'incident', id: incidentId });
    } finally {
      local.stack.faults.functions.set('PushComplianceEvidence', undefined);
    }
    expect((await invokePush({})).failed).toBe(false);
    expect(uploadsOf(hash)).toHaveLength(1);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(hash))).toHaveLength(1);
    expect(await queuedSubjects(local.stack.deduplicationTableName)).not.toContainEqual({ kind: 'incident', id: incidentId });
  });
});

describe('an exported period', () => {
  interface ExportView { exportId: string; status: string; zip?: { sha256: string; bytes: number } }
  const exportPeriod = async (period: { from: string; to: string }): Promise<{ exportId: string; zipSha256: string }> => {
    const started = await local.api('POST', '/evidence/exports', { token: 'dev-auditor', body: period });
    expect(started.status).toBe(202);
    const exportId = (started.body as ExportView).exportId;
    const view = await waitFor('the export to end', async () => {
      const read = (await local.api('GET', `/evidence/exports/${exportId}`, { token: 'dev-auditor' })).body as ExportView;
      return read.status === 'running' ? undefined : read;
    }, 60_000);
    expect(view.status).toBe('completed');
    const completed = (await trailEvents(evidenceExportPk(exportId))).find((event) => event.type === 'export.completed')!;
    expect(completed.detail).toMatchObject({ zipSha256: view.zip!.sha256 });
    return { exportId, zipSha256: view.zip!.sha256 };
  };
  const exportPushes = async (exportId: string) => (await trailEvents(evidenceExportPk(exportId))).filter((event) => ([PUSHED_EVENT, PUSH_REJECTED_EVENT, PUSH_REFUSED_EVENT] as unknown[]).includes(event.type));

  it('is pushed once: the zip, read from the exports bucket and held to its SHA-256, to the Vanta document (submitted), a page naming it to Drata; retries upload nothing', async () => {
    const { exportId, zipSha256 } = await exportPeriod({ from: '2021-01-01T00:00:00.000Z', to: '2021-03-01T00:00:00.000Z' });
    const pushed = await waitFor('three pushes in the export\'s trail', async () => {
      const events = await exportPushes(exportId);
      return events.length >= 3 ? events : undefined;
    });
    expect(pushed.map((event) => [event.type, (event.detail as { target: string }).target]).sort()).toEqual([
      [PUSHED_EVENT, 'drata-evidence'],
      [PUSHED_EVENT, 'vanta-document'],
      [PUSHED_EVENT, 'vanta-document-submit'],
    ]);
    // Vanta holds the very bytes the export signed and recorded (its SHA-256), as a zip.
    const uploads = uploadsOf(zipSha256);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ documentId: LOCAL_VANTA_DOCUMENT_ID, contentType: 'application/zip', sha256: zipSha256, fileName: 'irdr-evidence_20210101T000000Z_20210301T000000Z.zip' });
    const drata = platforms().drata.evidence.filter((evidence) => evidence.description?.includes(zipSha256));
    expect(drata).toHaveLength(1);
    expect(drata[0]).toMatchObject({ workspaceId: LOCAL_DRATA_WORKSPACE_ID, fileName: `irdr-evidence-export-${exportId}-${zipSha256.slice(0, 12)}.pdf`, controlIds: [11, 12] });
    const upload = pushed.find((event) => (event.detail as { target: string }).target === 'vanta-document')!;
    expect(upload.detail).toMatchObject({ where: `vanta document ${LOCAL_VANTA_DOCUMENT_ID}`, evidenceHash: zipSha256, vendorId: uploads[0]!.id });
    expect(verifyChain(await listStoredEvents(local.stack.tableName, evidenceExportPk(exportId))).problems).toEqual([]);

    // Retried (twice at once), and the hourly run: nothing is uploaded again.
    const object = await new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.urls.s3, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: LOCAL_EVIDENCE_EXPORT_BUCKET, Key: `exports/${exportId}/irdr-evidence_20210101T000000Z_20210301T000000Z.zip` }));
    expect(object.ContentType).toBe('application/zip');
    const reference = { kind: 'evidence-export', id: exportId, zipKey: `exports/${exportId}/irdr-evidence_20210101T000000Z_20210301T000000Z.zip`, zipSha256 };
    const retries = await Promise.all([invokePush({ subject: reference }), invokePush({ subject: reference })]);
    for (const retry of retries) expect(retry.body.outcomes.map((outcome: { result: string }) => outcome.result)).toEqual(['done-before', 'done-before', 'done-before']);
    expect((await invokePush({})).failed).toBe(false);
    expect(uploadsOf(zipSha256)).toHaveLength(1);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(zipSha256))).toHaveLength(1);
    expect(await exportPushes(exportId)).toHaveLength(3);

    // An invoker naming another hash for the same zip, or another object of the bucket: refused, nothing sent.
    const forged = await invokePush({ subject: { ...reference, zipSha256: 'f'.repeat(64) } });
    expect(forged.failed).toBe(true);
    expect(JSON.stringify(forged.body)).toContain(`the push names ${reference.zipKey} (SHA-256 ${'f'.repeat(64)}), the export's record`);
    const elsewhere = await invokePush({ subject: { ...reference, zipKey: `exports/${exportId}/parts/2021-01.json` } });
    expect(elsewhere.failed).toBe(true);
    expect(uploadsOf('f'.repeat(64))).toHaveLength(0);
    expect(platforms().vanta.uploads.filter((candidate) => candidate.description?.includes(exportId))).toHaveLength(1);
  });

  it('a zip Vanta refused is pushed again by irdr evidence push-again --export, once the cause is fixed; the CLI names what it needs', async () => {
    platforms().vanta.faults.answerNext(400, { message: 'File size exceeds the limit for this document' });
    const { exportId, zipSha256 } = await exportPeriod({ from: '2021-07-01T00:00:00.000Z', to: '2021-08-01T00:00:00.000Z' });
    await waitFor('the rejection and the Drata push', async () => {
      const events = await exportPushes(exportId);
      return events.some((event) => event.type === PUSH_REJECTED_EVENT) && events.some((event) => (event.detail as { target: string }).target === 'drata-evidence') ? events : undefined;
    });
    expect(uploadsOf(zipSha256)).toHaveLength(0);
    const again = await runIrdr(local, ['evidence', 'push-again', '--export', exportId]);
    expect(again, again.output).toMatchObject({ code: 0, output: expect.stringMatching(/vanta-document to vanta document .*: pushed[\s\S]*drata-evidence .*: done-before/) });
    expect(uploadsOf(zipSha256)).toHaveLength(1);
    expect((await runIrdr(local, ['evidence', 'push-again', '--export', exportId])).output).not.toContain(': pushed');
    expect(uploadsOf(zipSha256)).toHaveLength(1);
    // An id no export has, one no export can have (over-long), and an export named with a record as well: said, nothing invoked.
    const unknown = `ex-${'0'.repeat(32)}`;
    expect(await runIrdr(local, ['evidence', 'push-again', '--export', unknown])).toMatchObject({ code: 2, output: expect.stringContaining(`no export ${unknown}`) });
    expect(await runIrdr(local, ['evidence', 'push-again', '--export', 'x'.repeat(3000)])).toMatchObject({ code: 2, output: expect.stringContaining('an export id is ex- and 32 hex digits') });
    expect(await runIrdr(local, ['evidence', 'push-again', '--export', exportId, '--incident', 'x'])).toMatchObject({ code: 2, output: expect.stringContaining('name one record') });
  });

  it('refuses a zip changed in the bucket after the export: the mismatch is recorded in its trail and nothing is uploaded', async () => {
    // The push function fails until the zip is changed, so the push surely meets the changed zip.
    local.stack.faults.functions.set('PushComplianceEvidence', { mode: 'throw' });
    let exported: { exportId: string; zipSha256: string };
    const zipKey = (exportId: string) => `exports/${exportId}/irdr-evidence_20210401T000000Z_20210601T000000Z.zip`;
    const s3 = new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: local.stack.urls.s3, forcePathStyle: true });
    try {
      exported = await exportPeriod({ from: '2021-04-01T00:00:00.000Z', to: '2021-06-01T00:00:00.000Z' });
      const original = await (await s3.send(new GetObjectCommand({ Bucket: LOCAL_EVIDENCE_EXPORT_BUCKET, Key: zipKey(exported.exportId) }))).Body!.transformToByteArray();
      // One byte changed, as someone with write access to the bucket could: same key, same size.
      const changed = Buffer.from(original);
      changed[changed.length - 30] = changed[changed.length - 30]! ^ 0xff;
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_EVIDENCE_EXPORT_BUCKET, Key: zipKey(exported.exportId), Body: changed, ContentType: 'application/zip' }));
    } finally {
      local.stack.faults.functions.set('PushComplianceEvidence', undefined);
    }
    const { exportId, zipSha256 } = exported;
    await invokePush({ subject: { kind: 'evidence-export', id: exportId, zipKey: zipKey(exportId), zipSha256 } });
    const refused = await exportPushes(exportId);
    expect(refused.map((event) => [event.type, (event.detail as { target: string }).target]).sort()).toEqual([
      [PUSH_REFUSED_EVENT, 'drata-evidence'],
      [PUSH_REFUSED_EVENT, 'vanta-document'],
    ]);
    expect((refused[0]!.detail as { reason: string }).reason).toMatch(new RegExp(`has SHA-256 [0-9a-f]{64}, not the ${zipSha256} the export signed and recorded: it changed after the export`));
    expect(platforms().vanta.uploads.filter((upload) => upload.description?.includes(exportId))).toHaveLength(0);
    expect(platforms().drata.evidence.filter((evidence) => evidence.description?.includes(exportId))).toHaveLength(0);
    // The hourly run does not try it again on its own, and the export's trail still verifies.
    expect((await invokePush({})).body.outcomes.filter((outcome: { subject: string }) => outcome.subject === `evidence-export#${exportId}`).map((outcome: { result: string }) => outcome.result)).toEqual([]);
    expect(platforms().vanta.uploads.filter((upload) => upload.description?.includes(exportId))).toHaveLength(0);
    expect(verifyChain(await listStoredEvents(local.stack.tableName, evidenceExportPk(exportId))).problems).toEqual([]);
    s3.destroy();
  });
});

describe('the local platforms at the wire', () => {
  it('refuse what the references do not allow: no token, a foreign scope, a resource property of the wrong type, a file type Drata does not take', async () => {
    const { vantaUrl, drataUrl } = platforms();
    const credentials = await compliancePlatformCredentials();
    expect((await fetch(`${vantaUrl}/v1/documents/${LOCAL_VANTA_DOCUMENT_ID}/uploads`, { method: 'POST' })).status).toBe(401);
    // The Manage Vanta application asking for the integration's scope (token requests are 5 a minute: few here).
    const foreign = await fetch(`${vantaUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: credentials.vanta!.documents.clientId, client_secret: credentials.vanta!.documents.clientSecret, scope: 'connectors.self:write-resource', grant_type: 'client_credentials' }),
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_scope' });
    const token = await vantaToken(vantaUrl, credentials.vanta!.resources, 'connectors.self:write-resource');
    const resource = { displayName: 'x', uniqueId: 'x', externalUrl: 'https://x', customProperties: { rtoTargetMinutes: '30' } };
    const typed = await fetch(`${vantaUrl}/v1/resources/custom_resource/sync_all`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ resourceId: LOCAL_VANTA_RESOURCE_ID, resources: [resource] }) });
    expect(typed.status).toBe(400);
    expect(((await typed.json()) as { message: string }).message).toBe('resource x: property rtoTargetMinutes is declared int32, sent string');
    const form = new FormData();
    for (const [name, value] of Object.entries({ name: 'report', renewalDate: '2027-12-01', renewalScheduleType: 'ONE_YEAR', source: 'S3_FILE', filedAt: '2026-12-01', ownerId: '5' })) form.set(name, value);
    form.set('file', new Blob(['<html></html>'], { type: 'text/html' }), 'report.html');
    const html = await fetch(`${drataUrl}/workspaces/${LOCAL_DRATA_WORKSPACE_ID}/evidence-library`, { method: 'POST', headers: { authorization: `Bearer ${credentials.drata!.apiKey}` }, body: form });
    expect(html.status).toBe(400);
    expect(((await html.json()) as { message: string }).message).toContain('accepted file extensions: .pdf');
    expect((await fetch(`${drataUrl}/workspaces/1/evidence-library`, { method: 'POST', headers: { authorization: 'Bearer guessed' } })).status).toBe(401);
  });
});
