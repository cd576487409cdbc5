/**
 * dynalite's own request handler called in this process: what the front forwarded over a second HTTP hop (parse, socket,
 * parse again) is handed over as objects. The wire to the front's clients is the same; dynalite answers as it would.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BufferingBackend, type BufferedResponse } from './backend.js';

export class InProcessBackend extends BufferingBackend {
  constructor(private readonly handler: RequestListener) {
    super();
  }

  /** The client's request and response go to the handler as they are; a body the front already read is handed over again. */
  forward(request: IncomingMessage, response: ServerResponse, body?: Buffer): void {
    this.handler(body ? requestOf(request.method, request.url, request.headers, body) : request, response);
  }

  close(): void {}

  protected send(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<BufferedResponse> {
    return new Promise((resolve, reject) => {
      const reply = new BufferedReply(resolve);
      try {
        this.handler(requestOf(method, url, headers, body), reply as unknown as ServerResponse);
      } catch (error) {
        reject(error as Error);
      }
    });
  }
}

/** A request whose body is already in hand, as the stream of one chunk a handler reads (none when empty). */
function requestOf(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from(body.length ? [body] : []), { method: method ?? 'POST', url: url ?? '/', headers }) as unknown as IncomingMessage;
}

/** The part of a ServerResponse dynalite writes (status, headers, one end with the body), kept as a BufferedResponse. */
class BufferedReply {
  statusCode = 200;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly done: (reply: BufferedResponse) => void) {}

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  end(chunk?: string | Buffer): this {
    const body = chunk === undefined ? Buffer.alloc(0) : typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.done({ statusCode: this.statusCode, headers: this.headers, body });
    return this;
  }
}
