import type { DrataConfig, VantaConfig } from '../domain/compliance-platform/config.js';
import type { CompliancePlatformCredentials } from '../domain/compliance-platform/credentials.js';
import { drataPaths, type DrataEvidenceFields } from '../domain/compliance-platform/drata-wire.js';
import type { EvidenceDocument } from '../domain/compliance-platform/evidence-document.js';
import { VANTA_UPLOAD_DESCRIPTION_FIELD, VANTA_UPLOAD_FILE_FIELD, vantaPaths, type VantaCustomResourceSync } from '../domain/compliance-platform/vanta-wire.js';
import { DEFAULT_RETRY_POLICY, PlatformRejection, REQUEST_TIMEOUT_MS, callWithRetry, forgetVantaToken, vantaToken, type RetryPolicy } from './compliance-platform-client.js';

/** Each call the platforms document, made once with retries; the answer's id is what the trail records. */

type OAuthClient = { clientId: string; clientSecret: string };

/** A Vanta call with the application's token; a 401 (the token revoked by a newer one elsewhere) gets one fresh token. */
async function withVantaToken(baseUrl: string, client: OAuthClient, scope: string, policy: RetryPolicy, call: (token: string) => Promise<Response>): Promise<Response> {
  try {
    return await call(await vantaToken(baseUrl, client, scope, policy));
  } catch (error) {
    if (!(error instanceof PlatformRejection) || error.status !== 401) throw error;
    forgetVantaToken(baseUrl, client.clientId, scope);
    return call(await vantaToken(baseUrl, client, scope, policy));
  }
}

const idOf = async (response: Response, fallback: string): Promise<string> => {
  const body = (await response.json().catch(() => ({}))) as { id?: unknown };
  return typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : fallback;
};

function needVanta(credentials: CompliancePlatformCredentials): NonNullable<CompliancePlatformCredentials['vanta']> {
  // Not a rejection: once the secret is filled in, the hourly run pushes it.
  if (!credentials.vanta) throw new Error('the credentials secret has no "vanta" entry (docs/compliance-platforms.md)');
  return credentials.vanta;
}

/** POST /v1/documents/{documentId}/uploads, multipart with the file in `file`: the upload's id. */
export async function uploadVantaDocument(baseUrl: string, vanta: VantaConfig, credentials: CompliancePlatformCredentials, document: EvidenceDocument, policy = DEFAULT_RETRY_POLICY): Promise<string> {
  const response = await withVantaToken(baseUrl, needVanta(credentials).documents, vanta.scopes.documents, policy, (token) =>
    callWithRetry(`Vanta upload to document ${vanta.documentId}`, () => {
      const form = new FormData();
      form.set(VANTA_UPLOAD_FILE_FIELD, new Blob([document.bytes], { type: document.contentType }), document.fileName);
      form.set(VANTA_UPLOAD_DESCRIPTION_FIELD, document.description);
      return fetch(baseUrl + vantaPaths.documentUploads(vanta.documentId), { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, body: form, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    }, policy),
  );
  return idOf(response, `upload to ${vanta.documentId}`);
}

/** POST /v1/documents/{documentId}/submit: the document goes for review with its new file. */
export async function submitVantaDocument(baseUrl: string, vanta: VantaConfig, credentials: CompliancePlatformCredentials, policy = DEFAULT_RETRY_POLICY): Promise<string> {
  const response = await withVantaToken(baseUrl, needVanta(credentials).documents, vanta.scopes.documents, policy, (token) =>
    callWithRetry(`Vanta submit of document ${vanta.documentId}`, () => fetch(baseUrl + vantaPaths.documentSubmit(vanta.documentId), { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }), policy),
  );
  return idOf(response, vanta.documentId);
}

/** PUT /v1/resources/custom_resource/sync_all: every drill plan, as one state of the world. */
export async function syncVantaResources(baseUrl: string, vanta: VantaConfig, credentials: CompliancePlatformCredentials, sync: VantaCustomResourceSync, policy = DEFAULT_RETRY_POLICY): Promise<string> {
  await withVantaToken(baseUrl, needVanta(credentials).resources, vanta.scopes.resources, policy, (token) =>
    callWithRetry(`Vanta sync of custom resource ${vanta.customResourceId}`, () =>
      fetch(baseUrl + vantaPaths.customResourceSync, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(sync), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }), policy),
  );
  // sync_all answers no id of its own: the resource type and how many resources it now holds name the push.
  return `${sync.resourceId}: ${sync.resources.length} resources`;
}

/** POST /workspaces/{workspaceId}/evidence-library, multipart: a file evidence renewed yearly, linked to the configured controls. */
export async function addDrataEvidence(baseUrl: string, drata: DrataConfig, credentials: CompliancePlatformCredentials, document: EvidenceDocument, filedAt: string, policy = DEFAULT_RETRY_POLICY): Promise<string> {
  const apiKey = credentials.drata?.apiKey;
  if (!apiKey) throw new Error('the credentials secret has no "drata" entry (docs/compliance-platforms.md)');
  const renewal = new Date(filedAt);
  renewal.setUTCFullYear(renewal.getUTCFullYear() + 1);
  const fields: DrataEvidenceFields = {
    name: document.fileName.replace(/\.(pdf|zip)$/, '').slice(0, 191),
    description: document.description,
    renewalDate: renewal.toISOString().slice(0, 10),
    renewalScheduleType: 'ONE_YEAR',
    source: 'S3_FILE',
    filedAt: filedAt.slice(0, 10),
    ownerId: String(drata.ownerId),
  };
  const response = await callWithRetry(`Drata evidence in workspace ${drata.workspaceId}`, () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
    for (const controlId of drata.controlIds) form.append('controlIds', String(controlId));
    form.set('file', new Blob([document.bytes], { type: document.contentType }), document.fileName);
    return fetch(baseUrl + drataPaths.evidenceLibrary(drata.workspaceId), { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' }, body: form, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  }, policy);
  return idOf(response, `evidence in workspace ${drata.workspaceId}`);
}
