import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { compileRunbook, runbookHash, STEP_FAILED_ERROR, STEPS_FINISHED_ERROR } from '../../workflows/compile-runbook.js';
import { loadRunbookFile, loadRunbooks, RUNBOOK_SCHEMA_FILE, runbookJsonSchema } from '../../workflows/load-runbooks.js';
import { placeholdersOf, type AslState } from '../../workflows/asl-fragments.js';
import { functionArnPlaceholder, functionRegistry } from '../../functions/registry.js';

const writeRunbook = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'irdr-runbook-')), 'bad.yaml');
  writeFileSync(file, text);
  return file;
};
const header = 'id: rb\ntitle: R\nversion: 1\ndefaultSeverity: SEV3\n';
const runbooks = loadRunbooks();
const BUILT_IN = ['credential-compromise', 'dr-drill-failure', 'personal-data-breach', 'ransomware', 'security-incident', 'triage-notify'];

type States = Record<string, AslState>;
/** Every States map of a definition (the top level and each Parallel branch), with where it sits. */
function scopes(states: States, path = 'top'): Array<{ path: string; states: States }> {
  const found = [{ path, states }];
  for (const [name, state] of Object.entries(states)) {
    ((state.Branches as Array<{ States: States }> | undefined) ?? []).forEach((branch, index) => found.push(...scopes(branch.States, `${name}[${index}]`)));
  }
  return found;
}
const allStates = (states: States): Array<[string, AslState]> => scopes(states).flatMap((scope) => Object.entries(scope.states));
/** Where a state can go next, within its own States map. */
function successors(state: AslState): string[] {
  const next = [state.Next, state.Default, ...((state.Choices as AslState[] | undefined) ?? []).map((choice) => choice.Next)];
  next.push(...((state.Catch as AslState[] | undefined) ?? []).map((handler) => handler.Next));
  return next.filter((name): name is string => typeof name === 'string');
}

describe('runbook definitions', () => {
  it('loads every built-in runbook', () => {
    expect(runbooks.map((runbook) => runbook.id)).toEqual(BUILT_IN);
  });

  it('names the file and the path inside it when a runbook is invalid', () => {
    const file = writeRunbook(
      'id: broken\ntitle: Broken\nversion: 1\ndefaultSeverity: SEV9\nsteps:\n  - id: a\n    type: notify\n    title: t\n    to: { roles: [nobody] }\n    subject: s\n    body: b\n',
    );
    expect(() => loadRunbookFile(file)).toThrowError(new RegExp(`${file}[\\s\\S]*defaultSeverity[\\s\\S]*steps\\.0\\.to\\.roles\\.0`));
  });

  it('rejects a step id used twice, even inside a branch', () => {
    const file = writeRunbook(
      `${header}steps:\n  - { id: a, type: action, title: t, handler: record-event, event: x.y }\n  - id: c\n    type: choice\n    title: c\n    choices:\n      - when: { severity: [SEV1] }\n        steps:\n          - { id: a, type: action, title: t, handler: record-event, event: x.z }\n`,
    );
    expect(() => loadRunbookFile(file)).toThrowError(/steps\.1\.choices\.0\.steps\.0\.id: step id "a" is used twice/);
  });

  it.each([
    ['a bad duration', 'deadline: 3 months', /steps\.0\.deadline: expected a duration such as PT1H/],
    ['auto-reject on a task', 'deadline: 1h\n    escalation: { onExhausted: auto-reject }', /steps\.0\.escalation\.onExhausted: auto-reject is for approvals/],
    ['an undeclared role', 'deadline: 1h\n    escalation: { levels: [{ notify: [approver], after: 1h }] }', /steps\.0\.escalation\.levels\.0\.notify\.0: role "approver" is not declared/],
  ])('explains %s, with its path', (_name, fields, message) => {
    const file = writeRunbook(`${header}roles: { responder: on call }\nsteps:\n  - id: t\n    type: task\n    title: t\n    assignee: responder\n    ${fields}\n`);
    expect(() => loadRunbookFile(file)).toThrowError(message);
  });

  it('requires a clock to be met by a step that follows it, and to have steps beside it', () => {
    const clock = (met: string) => `  - { id: c, type: clock, title: c, from: openedAt, duration: 1h, notify: [commander], met: ${met} }\n`;
    const action = (id: string) => `  - { id: ${id}, type: action, title: t, handler: record-event, event: x.y }\n`;
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n${action('before')}${clock('before')}${action('after')}`))).toThrowError(
      /steps\.1\.met: "before" must be a step that follows this clock/,
    );
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n${action('before')}${clock('before')}`))).toThrowError(/steps\.1: a clock runs beside the steps that follow it/);
  });

  it('lets an approval branch jump forward only, and never into a clock', () => {
    const approval = (target: string) =>
      `  - { id: ok, type: approval, title: t, approvers: { roles: [approver] }, deadline: 1h, approved: ${target} }\n`;
    const action = (id: string) => `  - { id: ${id}, type: action, title: t, handler: record-event, event: x.y }\n`;
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n${action('first')}${approval('first')}`))).toThrowError(/steps\.1\.approved: "first" must be the id of a later step/);
    expect(loadRunbookFile(writeRunbook(`${header}steps:\n${approval('last')}${action('skipped')}${action('last')}`)).steps).toHaveLength(3);
  });

  it('marks the GDPR notification decisions and the ransomware recovery decision as decided signed in only, and hands that to the task', () => {
    const marked = runbooks.flatMap((runbook) => {
      const compiled = allStates(compileRunbook(runbook).States);
      return compiled
        .map(([name, state]) => [name, (state.Parameters as { Payload?: { task?: { requires?: string } } } | undefined)?.Payload?.task?.requires] as const)
        .filter(([, requires]) => requires !== undefined)
        .map(([name, requires]) => `${runbook.id}/${name}: ${requires}`);
    });
    expect(marked.sort()).toEqual([
      'personal-data-breach/authority-notice-decision: authenticated',
      'personal-data-breach/data-subject-notice-decision: authenticated',
      'ransomware/recovery-decision: authenticated',
    ]);
  });

  it('refuses a signed-in-only approval that only email: approvers could decide', () => {
    const approval = (approvers: string) => `  - { id: ok, type: approval, title: t, approvers: ${approvers}, deadline: 1h, requires: authenticated }\n`;
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n${approval("{ principals: ['email:dpo@example.org'] }")}`))).toThrowError(
      /steps\.0\.requires: an approval that requires an authenticated identity needs approver roles or IAM principals/,
    );
    expect(loadRunbookFile(writeRunbook(`${header}steps:\n${approval('{ roles: [approver] }')}`)).steps).toHaveLength(1);
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n  - { id: ok, type: approval, title: t, approvers: { roles: [approver] }, deadline: 1h, requires: link }\n`))).toThrowError(/steps\.0\.requires/);
  });

  it('generates its JSON Schema from the zod schema, and the checked-in file is current (npm run runbook-schema)', () => {
    const schema = runbookJsonSchema() as { properties: Record<string, unknown>; $defs: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'title', 'version', 'roles', 'controls', 'steps']));
    expect(Object.keys(schema.$defs)).toEqual(['RunbookStep']);
    expect(JSON.parse(readFileSync(RUNBOOK_SCHEMA_FILE, 'utf8'))).toEqual(schema);
  });

  it('names the controls each built-in runbook evidences', () => {
    for (const runbook of runbooks.filter((candidate) => candidate.id !== 'triage-notify')) {
      expect(runbook.controls.some((control) => /^SOC2 CC7\.[3-5]$/.test(control)), runbook.id).toBe(true);
      expect(runbook.controls.some((control) => /^ISO27001 A\.5\.2[4-8]$/.test(control)), runbook.id).toBe(true);
    }
  });
});

describe.each(runbooks.map((runbook) => [runbook.id, runbook] as const))('compiled %s', (_id, runbook) => {
  const definition = compileRunbook(runbook);
  const states = allStates(definition.States);

  it('is deterministic', () => {
    expect(JSON.stringify(compileRunbook(structuredClone(runbook)))).toBe(JSON.stringify(definition));
  });

  it('stamps the content hash, which changes with the content', () => {
    expect(definition.Comment).toContain(runbookHash(runbook));
    expect(runbookHash({ ...runbook, title: 'Other' })).not.toBe(runbookHash(runbook));
  });

  it('passes asl-validator and stays JSONPath (no JSONata, no variables)', () => {
    const result = aslValidator(JSON.parse(JSON.stringify(definition)));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(JSON.stringify(definition)).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('gives every Task Retry with backoff and full jitter, and a Catch for everything else', () => {
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(4);
    for (const [name, state] of tasks) {
      const retry = state.Retry as AslState[];
      expect(retry.length, name).toBeGreaterThan(0);
      for (const retrier of retry) expect(retrier, name).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2, MaxAttempts: expect.any(Number) });
      const catches = state.Catch as Array<{ ErrorEquals: string[] }>;
      expect(catches.at(-1)?.ErrorEquals, name).toEqual(['States.ALL']);
    }
    for (const [name, state] of states.filter(([, candidate]) => candidate.Type === 'Parallel')) {
      expect((state.Catch as Array<{ ErrorEquals: string[] }>).at(-1)?.ErrorEquals, name).toEqual(['States.ALL']);
    }
  });

  it('records the failure of every step, naming it, before notifying and failing', () => {
    const recordedType = (state: AslState | undefined) => (state?.Parameters as { Payload?: { type?: string } } | undefined)?.Payload?.type;
    const byName = new Map(states);
    for (const [name, state] of states.filter(([, candidate]) => candidate.Type === 'Task')) {
      const next = (state.Catch as Array<{ Next: string }>).at(-1)!.Next;
      const target = byName.get(next);
      if (recordedType(state) === 'runbook.failed' || name.endsWith('.close-on-failure')) {
        // Already recorded: on to the commanders' notification (top level) or the branch's Fail.
        expect(next === 'NotifyRunbookFailed' || target?.Type === 'Fail', `${name} → ${next}`).toBe(true);
      } else if (name === 'NotifyRunbookFailed') {
        expect(next).toBe('RunbookFailed');
      } else if (name === next.replace(/\.notify-failed$/, '')) {
        // A notify step: its failure is recorded as notify.failed, and the run goes on.
        expect(recordedType(target)).toBe('notify.failed');
      } else {
        expect(recordedType(target), `${name} → ${next}`).toBe('runbook.failed');
        expect((target!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ runbookStatus: 'failed', 'detail.$': '$.failure' });
      }
    }
  });

  it('only ever moves forward: each States map is acyclic, every target exists in it, and names fit 80 characters', () => {
    for (const scope of scopes(definition.States)) {
      const names = new Set(Object.keys(scope.states));
      for (const [name, state] of Object.entries(scope.states)) {
        expect(name.length, name).toBeLessThanOrEqual(80);
        for (const next of successors(state)) expect(names.has(next), `${scope.path}: ${name} → ${next}`).toBe(true);
      }
      // Kahn's algorithm: a cycle would leave states with incoming edges.
      const incoming = new Map([...names].map((name) => [name, 0]));
      for (const state of Object.values(scope.states)) for (const next of new Set(successors(state))) incoming.set(next, incoming.get(next)! + 1);
      const ready = [...incoming].filter(([, count]) => count === 0).map(([name]) => name);
      let visited = 0;
      while (ready.length > 0) {
        const name = ready.pop()!;
        visited += 1;
        for (const next of new Set(successors(scope.states[name]!))) {
          incoming.set(next, incoming.get(next)! - 1);
          if (incoming.get(next) === 0) ready.push(next);
        }
      }
      expect(visited, `cycle in ${scope.path}`).toBe(names.size);
    }
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(365 * 24 * 3600);
  });

  it('refers to functions only through registry placeholders', () => {
    const known = new Set(functionRegistry.map((spec) => functionArnPlaceholder(spec.name)));
    for (const placeholder of placeholdersOf(definition)) expect(known).toContain(placeholder);
  });

  it('waits only in clock branches, for a computed number of seconds', () => {
    for (const [name, state] of states.filter(([, candidate]) => candidate.Type === 'Wait')) {
      expect(state.SecondsPath, name).toBe('$.clockState.plan.nextWaitSeconds');
    }
  });
});

describe('escalation and clocks, as compiled', () => {
  const security = compileRunbook(runbooks.find((runbook) => runbook.id === 'security-incident')!);
  const find = (name: string) => allStates(security.States).find(([candidate]) => candidate === name)?.[1];

  it('unrolls a task escalation into one waiting state per level (no loop), then expiry', () => {
    const chain = ['acknowledge', 'acknowledge.escalate-1', 'acknowledge.escalate-2', 'acknowledge.escalate-3'];
    const waits = chain.map((name) => find(name)!);
    expect(waits.map((state) => state.Resource)).toEqual(Array(4).fill('arn:aws:states:::lambda:invoke.waitForTaskToken'));
    expect(waits.map((state) => state.TimeoutSeconds)).toEqual([600, 900, 1200, 2700]);
    expect(waits.map((state) => (state.Catch as AslState[])[0])).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'acknowledge.escalate-1' },
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'acknowledge.escalate-2' },
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'acknowledge.escalate-3' },
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'acknowledge.expire' },
    ]);
    // A decision that raced a level's timeout is the state's result, not an error: no catch for it (no false Errors alarm).
    for (const state of waits) {
      expect((state.Catch as AslState[]).map((caught) => caught.ErrorEquals)).toEqual([['States.Timeout'], ['States.ALL']]);
    }
    // The token travels only in the payload to our own function; the task's definition goes to level 0.
    expect((waits[0]!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ 'taskToken.$': '$$.Task.Token', task: { kind: 'task', assignee: 'responder' } });
    expect((waits[1]!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ 'taskToken.$': '$$.Task.Token', level: 1 });
    // A decision at any level meets the SLA clock, then moves on.
    for (const state of waits) expect(state.Next).toBe('acknowledge.meets-1');
    // It says which clock and what it is: met before its branch started, it is still recorded as the SLA it is.
    expect((find('acknowledge.meets-1')!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ action: 'met', kind: 'sla', title: expect.any(String) });
    expect(find('acknowledge.check-expiry')?.Choices).toEqual([
      { Variable: '$.decision.outcome', StringEquals: 'expired', Next: 'assign-commander' },
      { Variable: '$.decision.outcome', StringEquals: 'auto-rejected', Next: 'assign-commander' },
    ]);
  });

  it('routes an approval by its outcome, and runs a clock beside the steps after it', () => {
    const filing = loadRunbookFile(
      writeRunbook(
        `${header}steps:\n` +
          '  - id: materiality\n    type: approval\n    title: Material?\n    approvers: { roles: [approver] }\n    deadline: 1d\n' +
          '    approved:\n' +
          '      - { id: filing-clock, type: clock, title: File within four business days, from: reached, businessDays: 4, calendar: sec, reminders: [0.5, 0.75], notify: [approver], met: file }\n' +
          '      - { id: file, type: task, title: File, assignee: approver, deadline: 2d }\n' +
          '    rejected:\n      - { id: not-material, type: action, title: Not material, handler: record-event, event: not.material }\n',
      ),
    );
    const compiled = compileRunbook(filing);
    const at = (name: string) => allStates(compiled.States).find(([candidate]) => candidate === name)?.[1];
    expect(at('materiality.route')).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.outcome', StringEquals: 'approved', Next: 'filing-clock' }],
      Default: 'not-material',
    });
    const clock = at('filing-clock')!;
    const [steps, ticking] = clock.Branches as Array<{ StartAt: string; States: States }>;
    expect(steps!.StartAt).toBe('file');
    expect(steps!.States['filing-clock.steps-finished']).toMatchObject({ Type: 'Fail', Error: STEPS_FINISHED_ERROR });
    // A clock for every severity ends at once where it does not apply: no wait for a raise.
    expect(Object.keys(ticking!.States)).toEqual([
      'filing-clock.clock.failed',
      'filing-clock.clock.record-failure',
      'filing-clock.start',
      'filing-clock.armed',
      'filing-clock.wait-1',
      'filing-clock.remind-1',
      'filing-clock.check-1',
      'filing-clock.wait-2',
      'filing-clock.remind-2',
      'filing-clock.check-2',
      'filing-clock.wait-deadline',
      'filing-clock.deadline',
      'filing-clock.clock-done',
    ]);
    expect(clock.Catch).toEqual([
      { ErrorEquals: [STEPS_FINISHED_ERROR], ResultPath: null, Next: 'filing-clock.close' },
      { ErrorEquals: [STEP_FAILED_ERROR], ResultPath: '$.failure', Next: 'filing-clock.close-on-failure' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'filing-clock.record-failure' },
    ]);
    expect((at('filing-clock.start')!.Parameters as { Payload: { clock: unknown } }).Payload.clock).toMatchObject({ from: 'reached', businessDays: 4, calendar: 'sec', metBy: ['file'] });
  });

  it('a clock for some severities waits for a raise to them (on a token, in its own branch) where it does not apply', () => {
    expect(find('acknowledgement-sla.armed')).toMatchObject({ Choices: [{ Variable: '$.clockState.plan.armed', BooleanEquals: false, Next: 'acknowledgement-sla.await-raise' }], Default: 'acknowledgement-sla.wait-1' });
    const awaiting = find('acknowledgement-sla.await-raise')!;
    expect(awaiting).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', ResultPath: '$.clockState', Next: 'acknowledgement-sla.wait-1' });
    expect((awaiting.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ action: 'await-raise', clockId: 'acknowledgement-sla', 'taskToken.$': '$$.Task.Token' });
    expect((awaiting.Catch as AslState[])[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'acknowledgement-sla.clock-done' });
  });

  it('security-incident keeps no regulatory clock of its own: its reports are the catalog\'s stages, started by start-reports', () => {
    const clocks = allStates(security.States).filter(([name]) => name.endsWith('.start')).map(([name]) => name);
    expect(clocks).toEqual(['acknowledgement-sla.start']);
    expect((find('start-regulatory-reports')!.Parameters as { FunctionName: string; Payload: Record<string, unknown> })).toMatchObject({
      FunctionName: '${' + functionArnPlaceholder('StartReportsFromRunbook') + '}',
      Payload: { stepId: 'start-regulatory-reports', 'input.$': '$' },
    });
    expect((find('sec-classify-material')!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ classifyAs: 'material', 'input.$': '$' });
    expect(find('sec-materiality.route')).toMatchObject({ Choices: [{ Variable: '$.decision.outcome', StringEquals: 'approved', Next: 'sec-classify-material' }] });
  });

  it('personal-data-breach keeps no GDPR clock of its own: it classifies itself personal-data, and a rejected authority decision closes the stage', () => {
    const breach = compileRunbook(runbooks.find((runbook) => runbook.id === 'personal-data-breach')!);
    const states = allStates(breach.States);
    expect(states.filter(([name]) => name.endsWith('.start')).map(([name]) => name)).toEqual([]);
    const state = (name: string) => states.find(([candidate]) => candidate === name)?.[1] as { Parameters: { FunctionName: string; Payload: Record<string, unknown> } } | undefined;
    expect(state('classify-personal-data')!.Parameters).toMatchObject({ FunctionName: '${' + functionArnPlaceholder('StartReportsFromRunbook') + '}', Payload: { classifyAs: 'personal-data', 'input.$': '$' } });
    expect(state('close-gdpr-report')!.Parameters).toMatchObject({ FunctionName: '${' + functionArnPlaceholder('StartReportsFromRunbook') + '}', Payload: { closesReportOf: 'personal-data', 'input.$': '$' } });
    expect(state('close-gdpr-report')!.Parameters.Payload).not.toHaveProperty('classifyAs');
  });

  it('refuses close-reports without the report it closes, and closesReportOf on any other action', () => {
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n  - { id: a, type: action, title: A, handler: close-reports }\n`))).toThrowError(/close-reports names the classification/);
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n  - { id: a, type: action, title: A, handler: start-reports, closesReportOf: personal-data }\n`))).toThrowError(/only close-reports takes one/);
  });

  it('refuses classifyAs on anything but start-reports, and a label the catalog does not know', () => {
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n  - { id: a, type: action, title: A, handler: record-event, event: x.y, classifyAs: material }\n`))).toThrowError(/only a start-reports action classifies/);
    expect(() => loadRunbookFile(writeRunbook(`${header}steps:\n  - { id: a, type: action, title: A, handler: start-reports, classifyAs: huge }\n`))).toThrowError(/classifyAs/);
  });

  it('keeps the thin slice as it was: four Lambda steps on its path', () => {
    const thin = compileRunbook(runbooks.find((runbook) => runbook.id === 'triage-notify')!);
    expect(thin.StartAt).toBe('RecordRunbookStarted');
    const path: string[] = [];
    for (let name: string | undefined = thin.StartAt; name; name = thin.States[name]?.Next as string | undefined) path.push(name);
    expect(path).toEqual(['RecordRunbookStarted', 'record-triage-started', 'notify-responders', 'RecordRunbookCompleted']);
  });
});
