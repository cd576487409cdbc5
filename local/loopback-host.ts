import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * The `Host` names a request to a local service may carry: this machine's loopback names, any port. A DNS-rebinding
 * page (evil.example re-resolved to 127.0.0.1) reaches the port but its browser still sends `Host: evil.example`;
 * the AWS SDK, the AWS CLI, curl and a browser on http://127.0.0.1:<port> send one of these.
 */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

/** Whether a request's `Host` header names this machine's loopback (127.0.0.1, localhost or [::1], with any port). */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Puts the Host check in front of every request `server` answers (ours, dynalite's, the mailbox's): a foreign or
 * missing Host gets 421 Misdirected Request with a message saying why, and the server's own handling never runs.
 * Call it after the server's request listeners are attached; the ones attached later are not guarded.
 */
export function refuseForeignHosts(server: Server, serviceName: string): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!isLoopbackHost(request.headers.host)) {
      request.resume();
      const message =
        `The local ${serviceName} answers only requests addressed to this machine (Host 127.0.0.1, localhost or [::1]), ` +
        `not Host ${JSON.stringify(request.headers.host ?? '(none)')}: a web page that points its own name at 127.0.0.1 must not drive it.`;
      response.writeHead(421, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'MisdirectedRequest', connection: 'close' });
      response.end(JSON.stringify({ __type: 'MisdirectedRequest', message }));
      return;
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}
