import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRunbook, runbookHash } from '../../workflows/compile-runbook.js';
import { loadRunbookFile, loadRunbooks, runbookJsonSchema } from '../../workflows/load-runbooks.js';
import { placeholdersOf } from '../../workflows/asl-fragments.js';
import { functionArnPlaceholder, functionRegistry } from '../../functions/registry.js';

const writeRunbook = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'irdr-runbook-')), 'bad.yaml');
  writeFileSync(file, text);
  return file;
};

describe('runbook definitions', () => {
  it('loads every runbook in workflows/runbooks', () => {
    const ids = loadRunbooks().map((runbook) => runbook.id);
    expect(ids).toContain('triage-notify');
  });

  it('names the file and the path inside it when a runbook is invalid', () => {
    const file = writeRunbook(
      'id: broken\ntitle: Broken\nversion: 1\ndefaultSeverity: SEV9\nsteps:\n  - id: a\n    type: notify\n    title: t\n    to: { roles: [nobody] }\n    subject: s\n    body: b\n',
    );
    expect(() => loadRunbookFile(file)).toThrowError(new RegExp(`${file}[\\s\\S]*defaultSeverity[\\s\\S]*steps\\.0\\.to\\.roles\\.0`));
  });

  it('rejects a step id used twice', () => {
    const file = writeRunbook(
      'id: twice\ntitle: Twice\nversion: 1\ndefaultSeverity: SEV3\nsteps:\n  - { id: a, type: action, title: t, handler: record-event, event: x.y }\n  - { id: a, type: action, title: t, handler: record-event, event: x.z }\n',
    );
    expect(() => loadRunbookFile(file)).toThrowError(/steps\.1\.id: step id "a" is used twice/);
  });

  it('generates a JSON Schema for editors from the zod schema', () => {
    const schema = runbookJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'title', 'version', 'steps']));
  });
});

describe('compileRunbook', () => {
  const [runbook] = loadRunbooks().filter((candidate) => candidate.id === 'triage-notify');

  it('is deterministic', () => {
    expect(JSON.stringify(compileRunbook(runbook!))).toBe(JSON.stringify(compileRunbook(structuredClone(runbook!))));
  });

  it('stamps the content hash, which changes with the content', () => {
    const hash = runbookHash(runbook!);
    expect(compileRunbook(runbook!).Comment).toContain(hash);
    expect(runbookHash({ ...runbook!, title: 'Other' })).not.toBe(hash);
  });

  it('gives every task Retry with jitter and a Catch that records the failure', () => {
    const definition = compileRunbook(runbook!);
    const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(4);
    for (const [, state] of tasks) {
      expect(state.Retry).toEqual([expect.objectContaining({ JitterStrategy: 'FULL', BackoffRate: 2 })]);
      expect(state.Catch).toHaveLength(1);
    }
    expect(definition.States[runbook!.steps[0]!.id]!.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordRunbookFailed' },
    ]);
  });

  it('refers to functions only through registry placeholders', () => {
    const known = new Set(functionRegistry.map((spec) => functionArnPlaceholder(spec.name)));
    const used = placeholdersOf(compileRunbook(runbook!));
    expect(used.length).toBeGreaterThan(0);
    for (const placeholder of used) expect(known).toContain(placeholder);
  });
});
