import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { loadRunbooks } from '../../workflows/load-runbooks.js';
import { DefinitionFileError, loadYamlDefinition } from '../../workflows/yaml-definitions.js';

const dir = mkdtempSync(join(tmpdir(), 'irdr-definitions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A schema that counts how often it validated something. */
function countingSchema() {
  const counter = { validations: 0 };
  const schema = z.object({ id: z.string(), owners: z.array(z.string()) }).check(z.superRefine(() => void (counter.validations += 1)));
  return { schema, counter };
}

describe('YAML definitions, parsed and validated once per process and text', () => {
  it('an unchanged file is not parsed and validated again, and what a caller does to its copy never reaches the next', () => {
    const file = join(dir, 'unchanged.yaml');
    writeFileSync(file, 'id: triage\nowners: [alice, bob]\n');
    const { schema, counter } = countingSchema();
    const first = loadYamlDefinition(file, schema, 'thing');
    first.owners.push('mallory');
    first.id = 'changed';
    const second = loadYamlDefinition(file, schema, 'thing');
    expect(second).toEqual({ id: 'triage', owners: ['alice', 'bob'] });
    expect(counter.validations).toBe(1);
    second.owners.length = 0;
    expect(loadYamlDefinition(file, schema, 'thing').owners).toEqual(['alice', 'bob']);
  });

  it('a changed text is read as it is now: a same-length edit, then an invalid one (refused, naming the path), then a fix', () => {
    const file = join(dir, 'edited.yaml');
    const { schema, counter } = countingSchema();
    writeFileSync(file, 'id: triage\nowners: [alice]\n');
    loadYamlDefinition(file, schema, 'thing');
    writeFileSync(file, 'id: tr1age\nowners: [alice]\n');
    expect(loadYamlDefinition(file, schema, 'thing').id).toBe('tr1age');
    writeFileSync(file, 'id: triage\nowners: alice\n');
    expect(() => loadYamlDefinition(file, schema, 'thing')).toThrow(DefinitionFileError);
    expect(() => loadYamlDefinition(file, schema, 'thing')).toThrow(/at owners: /);
    writeFileSync(file, 'id: triage\nowners: [alice]\n');
    expect(loadYamlDefinition(file, schema, 'thing')).toEqual({ id: 'triage', owners: ['alice'] });
    expect(counter.validations).toBe(3);
  });

  it('a file another schema accepted is checked by this one', () => {
    const file = join(dir, 'two-schemas.yaml');
    writeFileSync(file, 'id: triage\nowners: []\n');
    expect(loadYamlDefinition(file, countingSchema().schema, 'thing').owners).toEqual([]);
    const stricter = z.object({ id: z.string(), owners: z.array(z.string()).check(z.minLength(1)) });
    expect(() => loadYamlDefinition(file, stricter, 'thing')).toThrow(/invalid thing\n {2}at owners: /);
  });

  it("the project's runbooks and drill plans read a second time are what the first read gave", () => {
    const [runbooks, plans] = [loadRunbooks(), loadDrillPlans()];
    expect(structuredClone([loadRunbooks(), loadDrillPlans()])).toEqual(structuredClone([runbooks, plans]));
    expect(loadRunbooks()[0]).not.toBe(runbooks[0]);
  });
});
