import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  /** `http://<host>:<port>`, the port the system picked when asked for 0. */
  readonly endpoint: string;
  /** Stops accepting connections and resolves once the open ones have ended. */
  close(): Promise<void>;
}

/**
 * Starts a local API server on host:port (0: a free port), bounded in time: a client that stalls mid-request is cut
 * off rather than held forever.
 */
export async function listen(server: Server, host: string, port: number): Promise<ListeningServer> {
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}
