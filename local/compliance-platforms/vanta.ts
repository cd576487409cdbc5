import { createHash, randomUUID } from 'node:crypto';
import { DRILL_PLAN_PROPERTY_TYPES } from '../../functions/domain/compliance-platform/drill-plan-resources.js';
import {
  VANTA_UPLOAD_DESCRIPTION_FIELD,
  VANTA_UPLOAD_FILE_FIELD,
  VantaCustomResourceSync,
  VantaTokenRequest,
  type VantaCustomResource,
} from '../../functions/domain/compliance-platform/vanta-wire.js';
import { describeIssues } from '../../functions/domain/schema-issues.js';
import { PlatformFaults, answer, bearerOf, type PlatformAnswer } from './wire.js';

/*
 * Vanta at the wire, for the endpoints irdr calls, answering as the references describe (docs/compliance-platforms.md):
 * client-credentials tokens (one live token per application: a new one revokes the old), scopes checked per endpoint,
 * the token endpoint's 5 requests a minute, multipart document uploads, document submit, and custom resource sync_all.
 */

export interface LocalVantaApplication {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The scopes this application type may ask for. */
  readonly allowedScopes: readonly string[];
}

export interface VantaUpload {
  readonly id: string;
  readonly documentId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly description?: string;
  readonly uploadedAt: string;
}

/** The scopes that let a token call each endpoint. */
const UPLOAD_SCOPES = ['vanta-api.documents:upload', 'vanta-api.all:write'];
const SUBMIT_SCOPES = ['vanta-api.all:write'];
const RESOURCE_SCOPES = ['connectors.self:write-resource'];
export const MANAGE_VANTA_SCOPES = ['vanta-api.all:read', 'vanta-api.all:write', 'vanta-api.documents:upload'];
export const INTEGRATION_SCOPES = ['connectors.self:read-resource', 'connectors.self:write-resource'];
const TOKEN_REQUESTS_PER_MINUTE = 5;

export class LocalVanta {
  readonly faults = new PlatformFaults();
  readonly uploads: VantaUpload[] = [];
  readonly submits: Array<{ readonly documentId: string; readonly at: string }> = [];
  /** The custom resources of each resource type, as the last sync_all left them. */
  readonly resources = new Map<string, readonly VantaCustomResource[]>();
  readonly syncs: Array<{ readonly resourceId: string; readonly count: number; readonly at: string }> = [];
  /** Every request that reached an endpoint (method and path), faults included: what a test counts retries by. */
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly status: number; readonly at: number }> = [];
  private readonly tokens = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
  private readonly liveTokenOf = new Map<string, string>();
  private tokenRequestTimes: number[] = [];

  constructor(
    private readonly applications: () => readonly LocalVantaApplication[],
    readonly documents: Set<string>,
    /** Custom resource types by resourceId, each with its custom properties' types. */
    readonly resourceTypes: Map<string, Readonly<Record<string, 'string' | 'boolean' | 'int32'>>>,
  ) {}

  async handle(request: Request): Promise<PlatformAnswer> {
    const path = new URL(request.url).pathname;
    const reply = await this.route(request, path);
    this.requests.push({ method: request.method, path, status: reply.status, at: Date.now() });
    return reply;
  }

  private async route(request: Request, path: string): Promise<PlatformAnswer> {
    if (request.method === 'POST' && path === '/oauth/token') return this.token(request);
    const fault = this.faults.take();
    if (fault) return fault;
    const upload = /^\/v1\/documents\/([^/]+)\/(uploads|submit)$/.exec(path);
    if (request.method === 'POST' && upload) {
      const documentId = decodeURIComponent(upload[1]!);
      return upload[2] === 'uploads' ? this.upload(request, documentId) : this.submit(request, documentId);
    }
    if (request.method === 'PUT' && path === '/v1/resources/custom_resource/sync_all') return this.sync(request);
    return answer(404, { message: `no route ${request.method} ${path}` });
  }

  private async token(request: Request): Promise<PlatformAnswer> {
    const now = Date.now();
    this.tokenRequestTimes = this.tokenRequestTimes.filter((at) => now - at < 60_000);
    if (this.tokenRequestTimes.length >= TOKEN_REQUESTS_PER_MINUTE) {
      return answer(429, { error: 'rate_limited', error_description: 'OAuth token endpoints are limited to 5 requests / minute' }, { 'retry-after': '60' });
    }
    this.tokenRequestTimes.push(now);
    if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) return answer(400, { error: 'invalid_request', error_description: 'Content-Type must be application/json' });
    const parsed = VantaTokenRequest.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) return answer(400, { error: 'invalid_request', error_description: describeIssues(parsed.error) });
    const application = this.applications().find((app) => app.clientId === parsed.data.client_id);
    if (!application || application.clientSecret !== parsed.data.client_secret) return answer(401, { error: 'invalid_client', error_description: 'unknown client_id or wrong client_secret' });
    const scopes = parsed.data.scope.split(' ').filter(Boolean);
    const foreign = scopes.filter((scope) => !application.allowedScopes.includes(scope));
    if (foreign.length > 0) return answer(400, { error: 'invalid_scope', error_description: `this application may not ask for ${foreign.join(', ')}` });
    // One live token per application: asking again revokes the previous one.
    const previous = this.liveTokenOf.get(application.clientId);
    if (previous) this.tokens.delete(previous);
    const accessToken = `vanta-local-${randomUUID()}`;
    this.tokens.set(accessToken, { clientId: application.clientId, scopes: new Set(scopes), expiresAt: now + 3_600_000 });
    this.liveTokenOf.set(application.clientId, accessToken);
    return answer(200, { access_token: accessToken, expires_in: 3600, token_type: 'Bearer' });
  }

  /** 401 without a live token, 403 when it lacks every scope that allows the call; undefined when allowed. */
  private refusal(request: Request, anyOf: readonly string[]): PlatformAnswer | undefined {
    const token = bearerOf(request);
    const held = token === undefined ? undefined : this.tokens.get(token);
    if (!held || held.expiresAt < Date.now()) return answer(401, { message: 'missing, expired or revoked access token' });
    if (!anyOf.some((scope) => held.scopes.has(scope))) return answer(403, { message: `the token needs one of the scopes ${anyOf.join(', ')}` });
    return undefined;
  }

  private async upload(request: Request, documentId: string): Promise<PlatformAnswer> {
    const refused = this.refusal(request, UPLOAD_SCOPES);
    if (refused) return refused;
    if (!this.documents.has(documentId)) return answer(404, { message: `no document "${documentId}"` });
    if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return answer(400, { message: 'the upload is multipart/form-data' });
    const form = await request.formData().catch(() => undefined);
    const file = form?.get(VANTA_UPLOAD_FILE_FIELD);
    if (!(file instanceof File) || file.size === 0) return answer(400, { message: `the form needs a non-empty file in the "${VANTA_UPLOAD_FILE_FIELD}" field` });
    const description = form?.get(VANTA_UPLOAD_DESCRIPTION_FIELD);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const upload: VantaUpload = {
      id: randomUUID(),
      documentId,
      fileName: file.name,
      contentType: file.type,
      size: file.size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(typeof description === 'string' && { description }),
      uploadedAt: new Date().toISOString(),
    };
    this.uploads.push(upload);
    return answer(200, { id: upload.id, fileName: upload.fileName, mimeType: upload.contentType, createdAt: upload.uploadedAt });
  }

  private submit(request: Request, documentId: string): PlatformAnswer {
    const refused = this.refusal(request, SUBMIT_SCOPES);
    if (refused) return refused;
    if (!this.documents.has(documentId)) return answer(404, { message: `no document "${documentId}"` });
    if (!this.uploads.some((upload) => upload.documentId === documentId)) return answer(400, { message: 'the document has no uploaded file to submit' });
    this.submits.push({ documentId, at: new Date().toISOString() });
    return answer(200, { id: documentId, status: 'OK' });
  }

  private async sync(request: Request): Promise<PlatformAnswer> {
    const refused = this.refusal(request, RESOURCE_SCOPES);
    if (refused) return refused;
    const parsed = VantaCustomResourceSync.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) return answer(400, { message: describeIssues(parsed.error) });
    const types = this.resourceTypes.get(parsed.data.resourceId);
    if (!types) return answer(404, { message: `no resource type "${parsed.data.resourceId}"` });
    for (const resource of parsed.data.resources) {
      for (const [name, value] of Object.entries(resource.customProperties)) {
        const type = types[name];
        const actual = typeof value === 'number' ? 'int32' : typeof value;
        if (type !== actual) return answer(400, { message: `resource ${resource.uniqueId}: property ${name} is ${type ? `declared ${type}, sent ${actual}` : 'not in the resource type\'s schema'}` });
      }
    }
    this.resources.set(parsed.data.resourceId, parsed.data.resources);
    this.syncs.push({ resourceId: parsed.data.resourceId, count: parsed.data.resources.length, at: new Date().toISOString() });
    return answer(200, { success: true });
  }
}

/** The resource type irdr's drill plans sync to, declared with the properties the domain sends. */
export const drillPlanResourceType = (): Readonly<Record<string, 'string' | 'boolean' | 'int32'>> => DRILL_PLAN_PROPERTY_TYPES;
