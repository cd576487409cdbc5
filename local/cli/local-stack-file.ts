import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devIdentities, devTokenVariable, DEFAULT_DEV_IDENTITY_NAME, type DevTokens } from '../dev-identities.js';

/*
 * How other processes (`irdr local env`, `irdr local deliver-event`) find the stack running on a data dir: it publishes
 * what `irdr local env` exports (its real endpoints, digest store and digest key, this start's dev tokens) in a file
 * under the data dir, readable by this user only, removed when the stack stops. Who can read it could read the data anyway.
 */

/** The file `irdr local start` and `irdr demo` publish on their data dir while they run (also with --in-memory). */
export const localStackFile = (dataDir: string): string => join(dataDir, 'local-stack.json');

interface PublishedStack {
  /** The process serving the stack: a file left behind by a killed one names a dead process. */
  readonly pid: number;
  readonly startedAt: string;
  /** The export lines of `irdr local env`, as variables. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Publishes the running stack's environment; resolves to the function that removes the file (at stop). */
export async function publishLocalStack(dataDir: string, environment: Readonly<Record<string, string>>): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = localStackFile(dataDir);
  await rm(file, { force: true }); // mode applies only to a new file
  const published: PublishedStack = { pid: process.pid, startedAt: new Date().toISOString(), environment };
  await writeFile(file, `${JSON.stringify(published, null, 2)}\n`, { mode: 0o600 });
  // Only our own: a stack started on this data dir since (e.g. --in-memory beside it) keeps its file.
  return async () => {
    const current = await readFile(file, 'utf8').then((text) => (JSON.parse(text) as PublishedStack).pid, () => undefined);
    if (current === process.pid) await rm(file, { force: true });
  };
}

/** Why no stack was found on a data dir: what to tell the user, naming the data dir and how to start one. */
export class NoLocalStackError extends Error {
  override name = 'NoLocalStackError';
  constructor(dataDir: string, why: string) {
    super(`no local stack is running on ${dataDir} (${why}): start one with \`npm start\` (or \`npx irdr local start --data-dir ${dataDir}\`)`);
  }
}

/** The environment of the stack running on this data dir; NoLocalStackError when there is none (or it died). */
export async function readLocalStack(dataDir: string): Promise<Readonly<Record<string, string>>> {
  const file = localStackFile(dataDir);
  let published: PublishedStack;
  try {
    // It carries tokens and is eval'd: only a file of this user's that nobody else can read or write counts.
    const { uid, mode } = statSync(file);
    if (uid !== process.getuid?.() || (mode & 0o077) !== 0) throw new NoLocalStackError(dataDir, `${file} is not this user's alone (mode ${(mode & 0o777).toString(8)}, owner ${uid}): remove it`);
    published = JSON.parse(readFileSync(file, 'utf8')) as PublishedStack;
  } catch (error) {
    if (error instanceof NoLocalStackError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NoLocalStackError(dataDir, `no ${file}`);
    throw new NoLocalStackError(dataDir, `${file} is unreadable: ${(error as Error).message}`);
  }
  if (!published || typeof published.environment !== 'object' || !Number.isInteger(published.pid)) throw new NoLocalStackError(dataDir, `${file} is not what a stack writes`);
  if (!isAlive(published.pid)) throw new NoLocalStackError(dataDir, `${file} was left by process ${published.pid}, which has ended`);
  const apiUrl = published.environment.IRDR_API_URL;
  // A reused pid or a stack that hangs: only a stack whose API answers counts.
  if (apiUrl === undefined || !(await answers(`${apiUrl}/health`))) throw new NoLocalStackError(dataDir, `its HTTP API ${apiUrl ?? '(none named)'} does not answer`);
  return Object.fromEntries(Object.entries(published.environment).filter((entry): entry is [string, string] => /^[A-Z][A-Z0-9_]*$/.test(entry[0]) && typeof entry[1] === 'string'));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** The lines `irdr local start` prints: each identity, its variable and its token of this start. */
export function describeDevTokens(tokens: DevTokens): string {
  const rows = devIdentities.map((identity) => `  ${identity.name.padEnd(14)} $${devTokenVariable(identity).padEnd(21)} ${tokens.tokenOf(identity.name)}  ${identity.userArn}`);
  return `Dev tokens of this start (Authorization: Bearer <token>; new at every start, the names alone open nothing).
eval "$(npx irdr local env)" exports them as below, and IRDR_TOKEN as ${DEFAULT_DEV_IDENTITY_NAME}'s (irdr incidents uses it; --token dev-<name> picks another):
${rows.join('\n')}`;
}
