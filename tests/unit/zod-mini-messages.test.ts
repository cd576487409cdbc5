import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/**
 * The messages a schema gives in a process that loads no classic zod, as a Lambda bundle is: zod/mini sets no locale,
 * so without functions/domain/zod.ts's English every 4xx would say only "Invalid input". (In the test process classic
 * zod is loaded, and sets English on its first schema, so only a fresh process can tell.)
 */
async function messagesInABundle(body: unknown): Promise<string[]> {
  const entry = `import { CreateIncidentRequest } from './functions/domain/incident.js';
const parsed = CreateIncidentRequest.safeParse(${JSON.stringify(body)});
console.log(JSON.stringify(parsed.error.issues.map((issue) => issue.path.join('.') + ': ' + issue.message)));`;
  const bundled = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, metafile: true, logLevel: 'error' });
  const inputs = Object.keys(bundled.metafile.inputs);
  expect(inputs.filter((input) => input.includes('node_modules/zod/v4/classic/')), 'classic zod in the bundle').toEqual([]);
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', bundled.outputFiles[0]!.text], { encoding: 'utf8' });
  return JSON.parse(output) as string[];
}

describe('bad input answered from zod/mini schemas, in a process without classic zod (as in Lambda)', () => {
  it('says what to change in the words classic zod used: too short, not an option, missing, unknown key', async () => {
    const messages = await messagesInABundle({ runbookId: '', title: 'Disk full', severity: 'SEV5', extra: 1 });
    expect(messages).toEqual([
      'runbookId: Too small: expected string to have >=1 characters',
      'severity: Invalid option: expected one of "SEV1"|"SEV2"|"SEV3"|"SEV4"',
      'summary: Invalid input: expected string, received undefined',
      ': Unrecognized key: "extra"',
    ]);
  });
});
