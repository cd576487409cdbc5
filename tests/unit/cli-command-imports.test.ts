import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/project-root.js';

/*
 * Each `irdr` command loads what it needs, and no more: bin/irdr.ts reaches a command's module by a dynamic import, and
 * what that module imports statically is loaded whatever the command does with it. `irdr local env` loading the whole
 * stack (every service and handler, ~7.7 MB) cost 0.45 CPU-s for a command that reads one file; `evidence verify`
 * loaded YAML, the drill plans and the Lambda, SFN and Backup clients through a shared command module.
 */

let graph: Metafile['inputs'];
beforeAll(async () => {
  // Our own sources only (packages stay external, named by their import): the graph, not a bundle.
  const { metafile } = await build({ entryPoints: ['bin/irdr.ts'], absWorkingDir: PROJECT_ROOT, bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external', write: false, outdir: 'out', metafile: true, logLevel: 'silent' });
  graph = metafile.inputs;
}, 60_000);

/** Everything loaded with `file`: its static imports, theirs, and so on (a dynamic import is loaded only when called). */
function loadedWith(file: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (path: string): void => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of graph[path]?.imports ?? []) if (imported.kind !== 'dynamic-import') visit(imported.path);
  };
  visit(file);
  return loaded;
}
const packagesOf = (loaded: Set<string>): string[] => [...loaded].filter((path) => !graph[path]).map((path) => path.replace(/^((?:@[^/]+\/)?[^/]+).*$/, '$1')).filter((name, at, all) => all.indexOf(name) === at).sort();
const sdkClientsOf = (loaded: Set<string>): string[] => packagesOf(loaded).filter((name) => name.startsWith('@aws-sdk/client-'));

describe('what each irdr command loads', () => {
  it('the command line itself loads no SDK client, no YAML and no stack: each command group comes by a dynamic import', () => {
    const loaded = loadedWith('bin/irdr.ts');
    expect(sdkClientsOf(loaded)).toEqual([]);
    expect(packagesOf(loaded)).not.toContain('yaml');
    expect(loaded).not.toContain('local/stack.ts');
  });

  it('`local env` and `local deliver-event` read the running stack\'s file, and load no stack and no SDK client', () => {
    const loaded = loadedWith('local/cli/local-commands.ts');
    expect(loaded).not.toContain('local/stack.ts');
    expect(sdkClientsOf(loaded)).toEqual([]);
  });

  it('`evidence verify` loads DynamoDB and the digest store\'s S3, not the drill plans, YAML or other clients', () => {
    const loaded = loadedWith('bin/evidence-verify-command.ts');
    expect(sdkClientsOf(loaded)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']);
    expect(packagesOf(loaded)).not.toContain('yaml');
    expect(loaded).not.toContain('workflows/load-drill-plans.ts');
  });

  it('the evidence commands\' table check (run before each) loads DynamoDB alone', () => {
    expect(sdkClientsOf(loadedWith('bin/table-preflight.ts'))).toEqual(['@aws-sdk/client-dynamodb']);
    expect(packagesOf(loadedWith('bin/table-preflight.ts'))).not.toContain('yaml');
  });

  it('`evidence digest` loads the Lambda client it invokes the writer with, and nothing to read the table or a bucket', () => {
    expect(sdkClientsOf(loadedWith('bin/evidence-digest-command.ts'))).toEqual(['@aws-sdk/client-lambda']);
  });

  it('checking an export or a statement, and making a key, reach no AWS service: no SDK client is loaded', () => {
    expect(sdkClientsOf(loadedWith('bin/evidence-key-commands.ts'))).toEqual([]);
    expect(sdkClientsOf(loadedWith('bin/check-statement-command.ts'))).toEqual([]);
  });

  it('the incident commands load the SigV4 signer and the SDK\'s credential chain only when no dev token is given (AWS, not the local stack)', () => {
    const loaded = packagesOf(loadedWith('bin/incident-commands.ts'));
    expect(loaded).not.toContain('@aws-sdk/credential-provider-node');
    expect(loaded).not.toContain('@smithy/signature-v4');
    expect(sdkClientsOf(loadedWith('bin/incident-commands.ts'))).toEqual([]);
    const signer = (graph['bin/incident-commands.ts']?.imports ?? []).find(({ path }) => path === 'bin/api-sigv4-signer.ts');
    expect(signer?.kind).toBe('dynamic-import');
    expect(packagesOf(loadedWith('bin/api-sigv4-signer.ts'))).toEqual(expect.arrayContaining(['@aws-sdk/credential-provider-node', '@smithy/signature-v4']));
  });

  it('each command module the command line names is in the graph (a renamed one would make the checks above vacuous)', () => {
    const named = (graph['bin/irdr.ts']?.imports ?? []).filter(({ kind }) => kind === 'dynamic-import').map(({ path }) => path);
    expect(named).toEqual(expect.arrayContaining(['local/cli/local-commands.ts', 'bin/evidence-verify-command.ts', 'bin/evidence-digest-command.ts', 'bin/evidence-key-commands.ts', 'bin/check-statement-command.ts', 'bin/table-preflight.ts']));
  });
});
