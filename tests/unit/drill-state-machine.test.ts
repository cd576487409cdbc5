import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { compileDrillStateMachine } from '../../workflows/compile-drill.js';
import { adaptiveCapSeconds, cleanupWaitSeconds, eventWaitCapSeconds, nextEventWait, nextLook, pollIntervalSeconds } from '../../functions/domain/drill/polling.js';
import { achievedRtoSeconds } from '../../functions/domain/drill/achieved.js';
import { judgeDrill } from '../../functions/domain/drill/outcome.js';
import type { DrillExecutionState } from '../../functions/domain/drill/run.js';

type AslState = Record<string, any>;
const definition = compileDrillStateMachine();
const states = Object.entries(definition.States) as Array<[string, AslState]>;

/** Every state reachable from `from` through Next, Default, Choices and Catch. */
function successors(state: AslState): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...((state.Choices ?? []) as AslState[]).map((choice) => choice.Next as string),
    ...((state.Catch ?? []) as AslState[]).map((catcher) => catcher.Next as string),
  ];
}
function reachable(from: string, avoiding: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || name === avoiding) continue;
    seen.add(name);
    queue.push(...successors(definition.States[name]!));
  }
  return seen;
}

describe('the drill state machine', () => {
  it('passes asl-validator and stays JSONPath', () => {
    const result = aslValidator(JSON.parse(JSON.stringify(definition)));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(JSON.stringify(definition)).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('sends every step before cleanup to cleanup on any error', () => {
    for (const name of ['Prepare drill', 'Start restore', 'Check restore', 'Plan validation', 'Count tables', 'Run checks', 'Run checks in drill VPC']) {
      const catches = definition.States[name]!.Catch as AslState[];
      expect(catches, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Clean up' }]);
    }
  });

  it('cannot reach an end without passing through cleanup', () => {
    const ends = states.filter(([, state]) => state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true).map(([name]) => name);
    const withoutCleanup = reachable(definition.StartAt, 'Clean up');
    expect(ends.filter((end) => withoutCleanup.has(end))).toEqual([]);
  });

  it('records the outcome even when cleanup itself fails, and every Task retries with full jitter', () => {
    expect(definition.States['Clean up']!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.cleanupFailure', Next: 'Record outcome' }]);
    for (const [name, state] of states.filter(([, candidate]) => candidate.Type === 'Task')) {
      for (const retrier of state.Retry as AslState[]) expect(retrier, name).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2 });
    }
  });
});

describe('restore polling', () => {
  it('adaptive waits start at 5 s and double up to 5% of the RTO target (15 s to 5 min)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((looks) => pollIntervalSeconds({ strategy: 'adaptive' }, 60, looks))).toEqual([5, 10, 20, 40, 80, 160, 180, 180]);
    expect(adaptiveCapSeconds(1)).toBe(15);
    expect(adaptiveCapSeconds(24 * 60)).toBe(300);
  });

  it('looks about a dozen times at a 20-minute restore, where a 30-second poll looks forty times', () => {
    const looksUntil = (policy: Parameters<typeof pollIntervalSeconds>[0], seconds: number): number => {
      let waited = 0;
      let looks = 0;
      while (waited < seconds) {
        waited += pollIntervalSeconds(policy, 60, looks);
        looks += 1;
      }
      return looks;
    };
    expect(looksUntil({ strategy: 'adaptive' }, 20 * 60)).toBe(11);
    expect(looksUntil({ strategy: 'fixed', intervalSeconds: 30 }, 20 * 60)).toBe(40);
  });

  it('shortens the last wait to land on the timeout, then times out', () => {
    expect(nextLook({ strategy: 'adaptive' }, 60, 6, 7080, 7200)).toEqual({ kind: 'wait', seconds: 120 });
    expect(nextLook({ strategy: 'adaptive' }, 60, 7, 7200, 7200)).toEqual({ kind: 'timed-out' });
    expect(cleanupWaitSeconds(0)).toBe(10);
    expect(cleanupWaitSeconds(10)).toBe(300);
  });
});

describe('judging a drill', () => {
  const base: DrillExecutionState = {
    input: { planId: 'p', trigger: 'schedule' },
    runId: 'r',
    executionArn: 'arn',
    startedAt: '2026-01-01T00:00:00.000Z',
    run: {
      planId: 'p',
      planHash: 'h',
      sourceTableName: 's',
      sourceTableArn: 'arn:s',
      restoreTableName: 'irdr-drill-p-r',
      recoveryPoint: { at: '2026-01-01T00:00:00.000Z', requestedAt: '2026-01-01T00:00:00.000Z' },
      holdSeconds: 0,
      restoreTimeoutSeconds: 7200,
      targets: { rtoMinutes: 60, rpoMinutes: 15 },
    },
    checks: { results: [{ id: 'item-count', type: 'item-count', passed: true, expected: '3', actual: '3' }], completedAt: '', validated: true, elapsedSeconds: 600, rtoSeconds: 600, rpo: { seconds: 300, method: 'canary' } },
    cleanup: { status: 'DELETED', deletedExtras: [], attempts: 1, firstAttemptAt: '' },
  };

  it('passes only when checks, both targets and cleanup are all good', () => {
    expect(judgeDrill(base)).toEqual({ passed: true, reasons: [] });
  });

  it('names every shortfall', () => {
    const verdict = judgeDrill({
      ...base,
      checks: { ...base.checks!, elapsedSeconds: 3700, rtoSeconds: 3700, rpo: { seconds: 1000, method: 'recovery-point' } },
      cleanup: { status: 'CLEANUP_REFUSED', reason: 'not tagged by this run', deletedExtras: [], attempts: 1, firstAttemptAt: '' },
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toEqual([
      'RTO 61.7 min exceeds the 60 min target',
      'RPO 16.7 min (recovery-point) exceeds the 15 min target',
      'cleanup CLEANUP_REFUSED: not tagged by this run',
    ]);
  });

  it('a failed check: the check is the reason, and no RTO or RPO is judged from data that failed', () => {
    const verdict = judgeDrill({
      ...base,
      checks: { results: [{ id: 'closed-ledger', type: 'checksum', passed: false, expected: 'a', actual: 'b' }], completedAt: '', validated: false, elapsedSeconds: 6 },
    });
    expect(verdict).toEqual({ passed: false, reasons: ['check closed-ledger failed: expected a, found b'] });
  });

  it('fails a run that stopped, with the Lambda error message from the Catch', () => {
    const { checks: _checks, ...stopped } = base;
    const verdict = judgeDrill({ ...stopped, failure: { Error: 'DrillRestoreError', Cause: JSON.stringify({ errorMessage: 'no such table' }) } });
    expect(verdict.reasons).toEqual(['the drill stopped: DrillRestoreError: no such table']);
  });
});

describe('validation that scales with the data', () => {
  const map = definition.States['Count tables'] as AslState;
  const segment = map.ItemProcessor.States as Record<string, AslState>;

  it('plans validation, counts each segment in a Map iteration, then runs the checks on the sums', () => {
    expect(definition.States['Plan validation']).toMatchObject({ Resource: '${PlanDrillValidationFunctionArn}', ResultPath: '$.validation', Next: 'Count tables' });
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.validation.scans', ResultPath: '$.segmentCounts', Next: 'Checks in drill VPC?', MaxConcurrency: 40 });
    // Inline: the local engine runs it, and it needs no distributed-Map IAM or S3 item reader.
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(map.ItemSelector).toEqual({ 'scan.$': '$$.Map.Item.Value', 'runId.$': '$.runId', progress: null });
  });

  it('invokes a segment again until it is counted to its end, each invocation within the function\'s timeout', () => {
    expect(segment['Count segment']).toMatchObject({
      Resource: '${CountDrillSegmentFunctionArn}',
      Parameters: { 'runId.$': '$.runId', 'scan.$': '$.scan', 'progress.$': '$.progress' },
      ResultPath: '$.progress',
      TimeoutSeconds: 300,
      Next: 'Segment counted?',
    });
    expect(segment['Segment counted?']).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.progress.done', BooleanEquals: true, Next: 'Segment counted' }], Default: 'Count segment' });
    expect(segment['Segment counted']).toEqual({ Type: 'Pass', OutputPath: '$.progress', End: true });
  });
});

describe('waiting for the restore by event', () => {
  const wait = definition.States['Wait for restore end']!;
  const done = definition.States['Restore done?'] as AslState;

  it('waits with a task token for AwaitDrillRestoreEnd, at most the planned wait, and looks however the wait ends', () => {
    expect(wait).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${AwaitDrillRestoreEndFunctionArn}', Payload: { 'state.$': '$', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSecondsPath: '$.restore.nextWaitSeconds',
      ResultPath: '$.restoreWait',
      Next: 'Check restore',
    });
    expect(wait).not.toHaveProperty('TimeoutSeconds');
    // A timeout (the safety net), a failed job or a failed wait all go to the look, never straight to cleanup or the checks.
    expect(wait.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.restoreWait', Next: 'Check restore' }]);
  });

  it('routes a restore by its signal: done to the checks, event to the token wait, anything else (executions started before events) to polling', () => {
    expect(definition.States['Start restore']!.Next).toBe('Restore done?');
    expect(done.Choices[0]).toEqual({ Variable: '$.restore.state', StringEquals: 'COMPLETED', Next: 'Plan validation' });
    // IsPresent first: a Choice on a missing path is a runtime error in AWS.
    expect(done.Choices[1]).toEqual({ And: [{ Variable: '$.restore.signal', IsPresent: true }, { Variable: '$.restore.signal', StringEquals: 'event' }], Next: 'Wait for restore end' });
    expect(done.Default).toBe('Wait for restore');
  });

  it('runs wire SQL checks in the validator in the drill VPC, every other plan (and runs prepared before) in RunDrillChecks', () => {
    const where = definition.States['Checks in drill VPC?']!;
    // IsPresent first: a run prepared before has no checksIn, and a Choice on a missing path is a runtime error in AWS.
    expect(where.Choices).toEqual([{ And: [{ Variable: '$.run.checksIn', IsPresent: true }, { Variable: '$.run.checksIn', StringEquals: 'drill-vpc' }], Next: 'Run checks in drill VPC' }]);
    expect(where.Default).toBe('Run checks');
    const validator = definition.States['Run checks in drill VPC']!;
    expect(validator.Resource).toBe('${RunDrillWireChecksFunctionArn}');
    expect(definition.States['Run checks']!.Resource).toBe('${RunDrillChecksFunctionArn}');
    // Same place in the drill as RunDrillChecks: its result where the outcome reads checks, then the hold.
    expect({ ResultPath: validator.ResultPath, Next: validator.Next }).toEqual({ ResultPath: '$.checks', Next: 'Hold restored table' });
  });

  it('looks anyway after a quarter of the RTO target (5 min to 1 h), the last wait landing on the restore timeout', () => {
    expect(eventWaitCapSeconds(60)).toBe(900);
    expect(eventWaitCapSeconds(10)).toBe(300);
    expect(eventWaitCapSeconds(24 * 60)).toBe(3600);
    expect(nextEventWait(60, 0, 7200)).toEqual({ kind: 'wait', seconds: 900 });
    expect(nextEventWait(60, 6900, 7200)).toEqual({ kind: 'wait', seconds: 300 });
    expect(nextEventWait(60, 7200, 7200)).toEqual({ kind: 'timed-out' });
  });
});

describe('achieved RTO', () => {
  const startedAt = '2026-12-01T03:00:00.000Z';
  it('counts the restore to its recorded completion, plus validation: not how late the drill noticed it', () => {
    // Restore completed at 20:00, the event came 4 minutes later (AWS delivers best-effort), validation took 30 s.
    expect(achievedRtoSeconds({ drillStartedAt: startedAt, restoreCompletedAt: '2026-12-01T03:20:00.000Z', validationStartedAt: '2026-12-01T03:24:00.000Z', validationCompletedAt: '2026-12-01T03:24:30.000Z' })).toBe(1230);
  });
  it('without a recorded completion (older executions), drill start to validated', () => {
    expect(achievedRtoSeconds({ drillStartedAt: startedAt, restoreCompletedAt: undefined, validationStartedAt: '2026-12-01T03:24:00.000Z', validationCompletedAt: '2026-12-01T03:24:30.000Z' })).toBe(1470);
  });
});
