import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devIdentities, devTokenVariable, DEFAULT_DEV_IDENTITY_NAME, type DevTokens } from '../dev-identities.js';

/*
 * How `irdr local env` (another process) learns the tokens `irdr local start` made: a file under the data dir, readable
 * by this user only, removed when the stack stops. Who can read it could read the stack's data anyway.
 */

const tokenFile = (dataDir: string): string => join(dataDir, 'dev-tokens.json');

/** Writes this start's tokens (as `irdr local env` exports them); resolves to the function that removes the file. */
export async function writeDevTokenFile(dataDir: string, tokens: DevTokens): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = tokenFile(dataDir);
  await rm(file, { force: true }); // mode applies only to a new file
  await writeFile(file, `${JSON.stringify(tokens.environment(), null, 2)}\n`, { mode: 0o600 });
  return () => rm(file, { force: true });
}

/** The IRDR_TOKEN* variables of the stack running on this data dir, or undefined when none is running there. */
export function readDevTokenEnvironment(dataDir: string): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(readFileSync(tokenFile(dataDir), 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    return Object.fromEntries(Object.entries(parsed).filter(([name, value]) => /^IRDR_TOKEN(_[A-Z]+)?$/.test(name) && typeof value === 'string'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The lines `irdr local start` prints: each identity, its variable and its token of this start. */
export function describeDevTokens(tokens: DevTokens): string {
  const rows = devIdentities.map((identity) => `  ${identity.name.padEnd(14)} $${devTokenVariable(identity).padEnd(21)} ${tokens.tokenOf(identity.name)}  ${identity.userArn}`);
  return `Dev tokens of this start (Authorization: Bearer <token>; new at every start, the names alone open nothing).
eval "$(npx irdr local env)" exports them as below, and IRDR_TOKEN as ${DEFAULT_DEV_IDENTITY_NAME}'s (irdr incidents uses it; --token dev-<name> picks another):
${rows.join('\n')}`;
}
