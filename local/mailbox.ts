import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { refuseForeignHosts } from './loopback-host.js';

export interface RunningMailbox {
  /** SES v2 endpoint and, at `/`, the mailbox web page. */
  readonly endpoint: string;
  /**
   * A fault knob for tests and demos: while on, every SES send (v1 and v2) is answered 503
   * ServiceUnavailable, as a regional SES outage would be; the mailbox page and /store keep working.
   */
  refuseSends(refuse: boolean): void;
  stop(): Promise<void>;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Send operations: SES v2's REST paths, and v1's Query API (POST / with Action=Send*). */
const isSend = (request: IncomingMessage): boolean =>
  request.method === 'POST' && (/^\/v2\/email\/outbound-(bulk-)?emails\/?$/.test(request.url ?? '') || request.url === '/');

/** Starts aws-ses-v2-local in-process: it accepts SES API calls and keeps every email for viewing. */
export async function startMailbox(host: string, port: number): Promise<RunningMailbox> {
  type StartSesLocal = (config: { host: string; port: number }) => Promise<Server>;
  // A CommonJS module: Node's loader nests its default export one level deeper than vite's does.
  const loaded = (await import('aws-ses-v2-local')).default as unknown as StartSesLocal | { default: StartSesLocal };
  const startSesLocal = typeof loaded === 'function' ? loaded : loaded.default;
  const server = await startSesLocal({ host, port });
  // It resolves on a failed listen too (Express 5 hands the error to its callback, which it ignores): find out why.
  if (!server.listening) await rethrowListenError(host, port);

  // The fault knob sits in front of the mailbox's own request handling.
  let refusing = false;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (refusing && isSend(request)) {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ServiceUnavailable' });
      response.end(JSON.stringify({ message: 'SES is unavailable (the local mailbox was told to refuse sends)' }));
      return;
    }
    for (const listener of listeners) listener.call(server, request, response);
  });

  // Also guards the mailbox page, which shows every signed link the stack has emailed.
  refuseForeignHosts(server, 'SES mailbox');

  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const endpoint = `http://${host}:${actualPort}`;
  // Its store is the module's, process-wide: a stack started earlier in this process must not show its mail here.
  const cleared = await fetch(`${endpoint}/clear-store`, { method: 'POST', headers: { host: `${host}:${actualPort}` } });
  if (!cleared.ok) throw new Error(`the SES mailbox did not clear its store (${cleared.status})`);
  return {
    endpoint,
    refuseSends: (refuse) => {
      refusing = refuse;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Listens on host:port once, to throw the error (EADDRINUSE, EACCES) the mailbox's own listen met and did not report. */
async function rethrowListenError(host: string, port: number): Promise<never> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
  throw new Error(`the SES mailbox could not listen on ${host}:${port}`);
}
