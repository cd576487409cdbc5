import { createHash } from 'node:crypto';
import { DRATA_FILE_EXTENSIONS, DrataEvidenceFields } from '../../functions/domain/compliance-platform/drata-wire.js';
import { describeIssues } from '../../functions/domain/schema-issues.js';
import { PlatformFaults, answer, bearerOf, type PlatformAnswer } from './wire.js';

/*
 * Drata's public API at the wire, for "Add evidence" (POST /workspaces/{workspaceId}/evidence-library, multipart), with
 * the bearer API key and the answers its reference lists (201, 400 with what is wrong, 401, 404 for another workspace).
 */

export interface DrataEvidence {
  readonly id: number;
  readonly workspaceId: number;
  readonly name: string;
  readonly description?: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly controlIds: readonly number[];
  readonly ownerId: number;
  readonly filedAt: string;
}

export class LocalDrata {
  readonly faults = new PlatformFaults();
  readonly evidence: DrataEvidence[] = [];
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly status: number; readonly at: number }> = [];

  constructor(
    private readonly apiKey: () => string | undefined,
    readonly workspaces: Set<number>,
  ) {}

  async handle(request: Request): Promise<PlatformAnswer> {
    const path = new URL(request.url).pathname;
    const reply = await this.route(request, path);
    this.requests.push({ method: request.method, path, status: reply.status, at: Date.now() });
    return reply;
  }

  private async route(request: Request, path: string): Promise<PlatformAnswer> {
    const key = this.apiKey();
    if (key === undefined || bearerOf(request) !== key) return answer(401, { statusCode: 401, message: 'Invalid Authorization' });
    const fault = this.faults.take();
    if (fault) return fault;
    const match = /^\/workspaces\/([^/]+)\/evidence-library$/.exec(path);
    if (request.method !== 'POST' || !match) return answer(404, { statusCode: 404, message: `no route ${request.method} ${path}` });
    const workspaceId = Number(match[1]);
    if (!this.workspaces.has(workspaceId)) return answer(404, { statusCode: 404, message: `no workspace ${match[1]}` });
    if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return answer(400, { statusCode: 400, message: 'the request body is multipart/form-data' });
    const form = await request.formData().catch(() => undefined);
    if (!form) return answer(400, { statusCode: 400, message: 'the multipart body could not be read' });
    const text = Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === 'string'));
    const fields = DrataEvidenceFields.safeParse(text);
    if (!fields.success) return answer(400, { statusCode: 400, message: describeIssues(fields.error) });
    const file = form.get('file');
    if (fields.data.source === 'S3_FILE') {
      if (!(file instanceof File) || file.size === 0) return answer(400, { statusCode: 400, message: 'source S3_FILE needs a file' });
      if (!DRATA_FILE_EXTENSIONS.some((extension) => file.name.toLowerCase().endsWith(extension))) {
        return answer(400, { statusCode: 400, message: `accepted file extensions: ${DRATA_FILE_EXTENSIONS.join(', ')}` });
      }
    }
    const controlIds = form.getAll('controlIds').map(Number);
    if (controlIds.some((id) => !Number.isInteger(id) || id <= 0)) return answer(400, { statusCode: 400, message: 'controlIds are numbers' });
    const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
    const evidence: DrataEvidence = {
      id: this.evidence.length + 1,
      workspaceId,
      name: fields.data.name,
      ...(fields.data.description !== undefined && { description: fields.data.description }),
      fileName: file instanceof File ? file.name : '',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      controlIds,
      ownerId: Number(fields.data.ownerId),
      filedAt: fields.data.filedAt,
    };
    this.evidence.push(evidence);
    return answer(201, { id: evidence.id, name: evidence.name, description: evidence.description ?? null, createdAt: new Date().toISOString() });
  }
}
