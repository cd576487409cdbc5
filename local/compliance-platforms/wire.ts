import type { IncomingMessage, ServerResponse } from 'node:http';

/** A platform's answer: status, JSON body and extra headers (Retry-After). */
export interface PlatformAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const answer = (status: number, body: unknown, headers?: Record<string, string>): PlatformAnswer => ({ status, body, ...(headers && { headers }) });

/** The request as a web Request (so multipart bodies are parsed by the platform's own FormData, not by hand). */
export async function webRequest(request: IncomingMessage, baseUrl: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(new URL(request.url ?? '/', baseUrl), { method: request.method, headers, ...(hasBody && { body: Buffer.concat(chunks) }) });
}

export function send(response: ServerResponse, reply: PlatformAnswer): void {
  response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  response.end(JSON.stringify(reply.body));
}

/** `Bearer <token>` from the Authorization header, or undefined. */
export const bearerOf = (request: Request): string | undefined => /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];

/** Canned answers a test queues (429 with Retry-After, 500, 400 with a message), served before any real handling. */
export class PlatformFaults {
  private readonly queued: PlatformAnswer[] = [];
  /** The next `count` requests (token requests aside) get this answer. */
  answerNext(status: number, options: { count?: number; message?: string; retryAfterSeconds?: number } = {}): void {
    const headers = options.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(options.retryAfterSeconds) };
    for (let index = 0; index < (options.count ?? 1); index += 1) this.queued.push(answer(status, { statusCode: status, message: options.message ?? `local fault ${status}` }, headers));
  }
  take(): PlatformAnswer | undefined {
    return this.queued.shift();
  }
  clear(): void {
    this.queued.length = 0;
  }
}
