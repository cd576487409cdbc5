import { ClientRequest } from 'node:http';

/*
 * The bodies of outgoing HTTP requests, kept as they are written. Node publishes `http.client.request.start` only once
 * a request has ended (its body already sent), so the body is caught on the way in: ClientRequest's write and end
 * are wrapped while at least one reader is open, and restored when the last one closes.
 */

export interface SentRequestBodies {
  /** The body the request sent (UTF-8), or undefined when none was kept. */
  bodyOf(request: ClientRequest): string | undefined;
  close(): void;
}

type Keeps = (request: ClientRequest) => boolean;

const kept = new WeakMap<ClientRequest, Buffer[]>();
const readers = new Set<Keeps>();
const prototype = ClientRequest.prototype as unknown as Record<'write' | 'end', (...args: unknown[]) => unknown>;
let unwrap: (() => void) | undefined;

function keep(request: ClientRequest, chunk: unknown, encoding: unknown): void {
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
  if (![...readers].some((keeps) => keeps(request))) return;
  const chunks = kept.get(request) ?? [];
  chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk));
  kept.set(request, chunks);
}

/** Wraps write and end on the prototype (Node's end writes its last chunk without calling write: no chunk twice). */
function wrap(): () => void {
  const own = { write: Object.getOwnPropertyDescriptor(prototype, 'write'), end: Object.getOwnPropertyDescriptor(prototype, 'end') };
  const { write, end } = prototype;
  prototype.write = function (this: ClientRequest, chunk: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return write.call(this, chunk, ...rest);
  };
  prototype.end = function (this: ClientRequest, chunk: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return end.call(this, chunk, ...rest);
  };
  // Back as they were: ClientRequest's own methods, or (as in Node today) none, inheriting OutgoingMessage's.
  return () => {
    for (const name of ['write', 'end'] as const) {
      const descriptor = own[name];
      if (descriptor) Object.defineProperty(prototype, name, descriptor);
      else Reflect.deleteProperty(prototype, name);
    }
  };
}

/** Starts keeping the bodies of the requests `keeps` selects (asked as each chunk is written), until closed. */
export function readSentBodies(keeps: Keeps): SentRequestBodies {
  readers.add(keeps);
  unwrap ??= wrap();
  return {
    bodyOf: (request) => {
      const chunks = kept.get(request);
      return chunks && Buffer.concat(chunks).toString('utf8');
    },
    close: () => {
      readers.delete(keeps);
      if (readers.size === 0 && unwrap) {
        unwrap();
        unwrap = undefined;
      }
    },
  };
}
