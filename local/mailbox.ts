import type { Server } from 'node:http';

export interface RunningMailbox {
  /** SES v2 endpoint and, at `/`, the mailbox web page. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts aws-ses-v2-local in-process: it accepts SES API calls and keeps every email for viewing. */
export async function startMailbox(host: string, port: number): Promise<RunningMailbox> {
  type StartSesLocal = (config: { host: string; port: number }) => Promise<Server>;
  // A CommonJS module: Node's loader nests its default export one level deeper than vite's does.
  const loaded = (await import('aws-ses-v2-local')).default as unknown as StartSesLocal | { default: StartSesLocal };
  const startSesLocal = typeof loaded === 'function' ? loaded : loaded.default;
  const server = await startSesLocal({ host, port });
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://${host}:${actualPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
