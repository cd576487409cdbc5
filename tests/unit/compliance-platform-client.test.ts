import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformRejection, PlatformUnavailable, forgetVantaToken, retryAfterMs, vantaToken, type RetryPolicy } from '../../functions/aws/compliance-platform-client.js';
import { addDrataEvidence, syncVantaResources, uploadVantaDocument } from '../../functions/aws/compliance-platform-vendors.js';
import { CompliancePlatformsConfig } from '../../functions/domain/compliance-platform/config.js';
import { evidenceDocument } from '../../functions/domain/compliance-platform/evidence-document.js';
import { LOCAL_DRATA_WORKSPACE_ID, LOCAL_VANTA_DOCUMENT_ID, LOCAL_VANTA_RESOURCE_ID, startLocalCompliancePlatforms, type LocalCompliancePlatforms } from '../../local/compliance-platforms/server.js';

const credentials = {
  vanta: { documents: { clientId: 'docs-client', clientSecret: 'docs-secret' }, resources: { clientId: 'res-client', clientSecret: 'res-secret' } },
  drata: { apiKey: 'drata-key' },
};
const config = CompliancePlatformsConfig.parse({
  vanta: { documentId: LOCAL_VANTA_DOCUMENT_ID, customResourceId: LOCAL_VANTA_RESOURCE_ID },
  drata: { apiUrl: 'https://drata.example/public', workspaceId: LOCAL_DRATA_WORKSPACE_ID, ownerId: 3, controlIds: [7] },
});
/** Fast backoff: the behaviour, not the production delays (DEFAULT_RETRY_POLICY). */
const fast: RetryPolicy = { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20, maxRetryAfterMs: 2_000, maxRetryTimeMs: 10_000 };
const document = await evidenceDocument({
  kind: 'incident', id: 'inc-1', title: 'Leaked key', facts: ['Severity: SEV2'],
  signOff: { verdict: 'accepted', by: 'arn:aws:iam::000000000000:user/ann', roles: ['auditor'], at: '2026-12-01T10:00:00.000Z' },
  signOffEvent: { seq: 4, hash: 'c'.repeat(64) },
});

let platforms: LocalCompliancePlatforms;
beforeAll(async () => {
  platforms = await startLocalCompliancePlatforms({ host: '127.0.0.1', port: 0, credentials: () => credentials });
});
afterAll(async () => {
  await platforms?.stop();
});
beforeEach(() => {
  platforms.vanta.faults.clear();
  platforms.drata.faults.clear();
});
const uploads = () => platforms.vanta.requests.filter((request) => request.path.endsWith('/uploads'));
const upload = () => uploadVantaDocument(platforms.vantaUrl, config.vanta!, credentials, document, fast);

describe('calls with retries', () => {
  it('uploads the PDF in the documented multipart shape, with the token of the Manage Vanta application', async () => {
    const id = await upload();
    expect(platforms.vanta.uploads.at(-1)).toMatchObject({ id, documentId: LOCAL_VANTA_DOCUMENT_ID, fileName: document.fileName, contentType: 'application/pdf', sha256: document.sha256, description: document.description });
  });

  it('retries 500s with backoff until one goes through', async () => {
    const before = uploads().length;
    platforms.vanta.faults.answerNext(500, { count: 2 });
    await upload();
    expect(uploads().slice(before).map((request) => request.status)).toEqual([500, 500, 200]);
  });

  it('waits at least the Retry-After of a 429', async () => {
    const before = uploads().length;
    platforms.vanta.faults.answerNext(429, { retryAfterSeconds: 1 });
    await upload();
    const [limited, accepted] = uploads().slice(before);
    expect([limited!.status, accepted!.status]).toEqual([429, 200]);
    expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(1000);
  });

  it("never retries a 400, and carries the vendor's message", async () => {
    const before = uploads().length;
    platforms.vanta.faults.answerNext(400, { message: 'document is archived' });
    await expect(upload()).rejects.toEqual(new PlatformRejection(400, 'document is archived'));
    expect(uploads().length - before).toBe(1);
  });

  it('gives up at once on a Retry-After longer than it may wait, and after its retries on 5xx: the push stays pending', async () => {
    let before = uploads().length;
    platforms.vanta.faults.answerNext(503, { retryAfterSeconds: 600 });
    await expect(upload()).rejects.toBeInstanceOf(PlatformUnavailable);
    expect(uploads().length - before).toBe(1);
    before = uploads().length;
    platforms.vanta.faults.answerNext(502, { count: 10 });
    await expect(upload()).rejects.toBeInstanceOf(PlatformUnavailable);
    expect(uploads().length - before).toBe(fast.retries + 1);
  });

  it('keeps one token per application, and takes a fresh one when Vanta revoked it (a newer one asked elsewhere)', async () => {
    const tokenRequests = () => platforms.vanta.requests.filter((request) => request.path === '/oauth/token').length;
    const before = tokenRequests();
    await upload();
    await upload();
    expect(tokenRequests() - before).toBe(0);
    // Another container asks for the same application's token: ours is revoked, the next call gets 401 once.
    forgetVantaToken(platforms.vantaUrl, 'docs-client', config.vanta!.scopes.documents);
    const theirs = await vantaToken(platforms.vantaUrl, credentials.vanta.documents, config.vanta!.scopes.documents, fast);
    expect(theirs).toMatch(/^vanta-local-/);
    await upload();
    expect(platforms.vanta.uploads.length).toBeGreaterThan(0);
  });

  it('sends resources of the declared types, and Drata the documented form', async () => {
    await syncVantaResources(platforms.vantaUrl, config.vanta!, credentials, { resourceId: LOCAL_VANTA_RESOURCE_ID, resources: [{ displayName: 'Plan', uniqueId: 'p', externalUrl: 'https://x/p', customProperties: { planId: 'p', overdue: false, daysSinceLastPass: 3 } }] }, fast);
    expect(platforms.vanta.resources.get(LOCAL_VANTA_RESOURCE_ID)).toHaveLength(1);
    const id = await addDrataEvidence(platforms.drataUrl, config.drata!, credentials, document, '2026-12-01T10:00:00.000Z', fast);
    expect(platforms.drata.evidence.find((evidence) => String(evidence.id) === id)).toMatchObject({ ownerId: 3, controlIds: [7], fileName: document.fileName, filedAt: '2026-12-01', sha256: document.sha256 });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and nothing from garbage', () => {
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
