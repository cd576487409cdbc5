/**
 * A bundle's module init, as Lambda's init phase runs it: a fresh Node process imports the file once, with only the
 * environment given (no AWS credentials or profile inherited, so nothing at import can reach AWS).
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** Times the import alone, so Node's own start (the same for every bundle) does not dilute the ratio. */
const IMPORT_AND_TIME = 'const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));';

/** Milliseconds the import of file took in a new process with exactly this environment (plus PATH). */
export async function moduleInitMs(file: string, environment: Readonly<Record<string, string>>): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', IMPORT_AND_TIME, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    // An import that waits on the network would be a handler calling AWS at init: fail rather than wait.
    timeout: 30_000,
  });
  const milliseconds = Number(stdout);
  if (!Number.isFinite(milliseconds)) throw new Error(`importing ${file} printed ${JSON.stringify(stdout)}, not a duration`);
  return milliseconds;
}
