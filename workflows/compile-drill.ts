import { SEGMENT_CONCURRENCY } from '../functions/domain/drill/scan-segments.js';
import { functionArnPlaceholder, functionSpec, type FunctionName } from '../functions/registry.js';
import { invokeAndWaitForToken, transientRetry, type AslDefinition, type AslState } from './asl-fragments.js';

/*
 * The restore drill state machine: one definition runs every plan (the plan is named in the input and bundled into
 * the drill functions). The shape is what matters for evidence:
 *
 *   Begin → Prepare (preflight, recovery point) → Start restore → [Wait for restore end | Wait ⇄ Check restore]
 *     → Plan validation → Count tables (Map: one parallel-scan segment per item, each looping within a function's time)
 *     → Run checks (or, for wire SQL checks, Run checks in drill VPC)
 *     → Hold → Clean up [⇄ Wait] → Record outcome → Send report → Passed? → Succeed | Fail
 *
 * A restore whose service announces its end (AWS Backup's Restore Job State Change) is waited for with a task token
 * the event answers; the wait times out after a long while (the safety net: a look, then wait again). Others poll.
 *
 * Every step before cleanup catches every error into `$.failure` and goes straight to cleanup, so cleanup runs on
 * every path; a cleanup that itself fails is caught into `$.cleanupFailure` and still recorded and reported.
 * Handlers are invoked by their ARN (the Task's result is the function's own output), each result kept at its own path.
 */

export const DRILL_STATE_MACHINE_LOGICAL_ID = 'Drill-restore';

/** How long the state machine may run at most: a week's hold plus a long restore and cleanup. */
const EXECUTION_TIMEOUT_SECONDS = 10 * 24 * 60 * 60;

const catchAllInto = (resultPath: string, next: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next }];

/** A Task that invokes a drill function with the whole state and keeps its result at `resultPath`. */
function drillTask(name: FunctionName, resultPath: string, next: string, extra: AslState = {}): AslState {
  return {
    Type: 'Task',
    Resource: '${' + functionArnPlaceholder(name) + '}',
    Parameters: { 'state.$': '$' },
    ResultPath: resultPath,
    TimeoutSeconds: 300,
    Retry: transientRetry,
    Next: next,
    ...extra,
  };
}

/**
 * Waits for the restore's end event with a task token (AwaitDrillRestoreEnd keeps it under the job id or the restored
 * database's ARN), at most `$.restore.nextWaitSeconds`; however the wait ends (answered, failed by a restore that did
 * not complete, timed out), the next step looks at the restore itself.
 */
function waitForRestoreEnd(): AslState {
  const { TimeoutSeconds: _fixed, ...task } = invokeAndWaitForToken('AwaitDrillRestoreEnd', { 'state.$': '$' }, 1);
  return {
    ...task,
    TimeoutSecondsPath: '$.restore.nextWaitSeconds',
    ResultPath: '$.restoreWait',
    Catch: catchAllInto('$.restoreWait', 'Check restore'),
    Next: 'Check restore',
  };
}

/**
 * Whole-table counts fan out: one inline Map iteration per parallel-scan segment (PlanDrillValidation lists them), each
 * invoking CountDrillSegment again while its segment has more than one invocation's time can read. The Map's output is
 * every segment's final count, which Run checks sums into one check (a missing or doubled segment fails the step).
 */
function countTables(next: string, onError: AslState): AslState {
  return {
    Type: 'Map',
    ItemsPath: '$.validation.scans',
    // progress: null, so the first invocation's Parameters find it (a missing path fails the state).
    ItemSelector: { 'scan.$': '$$.Map.Item.Value', 'runId.$': '$.runId', progress: null },
    MaxConcurrency: SEGMENT_CONCURRENCY,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'Count segment',
      States: {
        'Count segment': {
          Type: 'Task',
          Resource: '${' + functionArnPlaceholder('CountDrillSegment') + '}',
          Parameters: { 'runId.$': '$.runId', 'scan.$': '$.scan', 'progress.$': '$.progress' },
          ResultPath: '$.progress',
          TimeoutSeconds: functionSpec('CountDrillSegment').timeoutSeconds,
          Retry: transientRetry,
          Next: 'Segment counted?',
        },
        'Segment counted?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.progress.done', BooleanEquals: true, Next: 'Segment counted' }],
          Default: 'Count segment',
        },
        'Segment counted': { Type: 'Pass', OutputPath: '$.progress', End: true },
      },
    },
    ResultPath: '$.segmentCounts',
    Next: next,
    ...onError,
  };
}

export function compileDrillStateMachine(): AslDefinition {
  const toCleanup = (resultPath = '$.failure') => ({ Catch: catchAllInto(resultPath, 'Clean up') });
  return {
    Comment: 'irdr restore drill: preflight, restore into a new resource, validate, measure RTO and RPO, always clean up, record, report',
    StartAt: 'Begin drill',
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      'Begin drill': {
        Type: 'Pass',
        Parameters: {
          'input.$': '$',
          'runId.$': '$$.Execution.Name',
          'executionArn.$': '$$.Execution.Id',
          'startedAt.$': '$$.Execution.StartTime',
        },
        Next: 'Prepare drill',
      },
      'Prepare drill': drillTask('PrepareDrillRun', '$.run', 'Start restore', toCleanup()),
      'Start restore': drillTask('StartDrillRestore', '$.restore', 'Restore done?', toCleanup()),
      'Wait for restore': { Type: 'Wait', SecondsPath: '$.restore.nextWaitSeconds', Next: 'Check restore' },
      'Wait for restore end': waitForRestoreEnd(),
      'Check restore': drillTask('CheckDrillRestore', '$.restore', 'Restore done?', toCleanup()),
      'Restore done?': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.restore.state', StringEquals: 'COMPLETED', Next: 'Plan validation' },
          // Executions started before events carry no signal: they keep polling.
          { And: [{ Variable: '$.restore.signal', IsPresent: true }, { Variable: '$.restore.signal', StringEquals: 'event' }], Next: 'Wait for restore end' },
        ],
        Default: 'Wait for restore',
      },
      'Plan validation': drillTask('PlanDrillValidation', '$.validation', 'Count tables', toCleanup()),
      'Count tables': countTables('Checks in drill VPC?', toCleanup()),
      // Wire SQL checks run in the validator attached to the drill VPC, the one function that reaches restored databases.
      'Checks in drill VPC?': {
        Type: 'Choice',
        Choices: [{ And: [{ Variable: '$.run.checksIn', IsPresent: true }, { Variable: '$.run.checksIn', StringEquals: 'drill-vpc' }], Next: 'Run checks in drill VPC' }],
        Default: 'Run checks',
      },
      'Run checks': drillTask('RunDrillChecks', '$.checks', 'Hold restored table', toCleanup()),
      'Run checks in drill VPC': drillTask('RunDrillWireChecks', '$.checks', 'Hold restored table', toCleanup()),
      'Hold restored table': { Type: 'Wait', SecondsPath: '$.run.holdSeconds', Next: 'Clean up' },
      'Clean up': drillTask('CleanUpDrill', '$.cleanup', 'Cleanup done?', {
        TimeoutSeconds: 300,
        // A table left behind is the one outcome a drill must not have: any error is tried again before giving up.
        Retry: [...transientRetry, { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }],
        Catch: catchAllInto('$.cleanupFailure', 'Record outcome'),
      }),
      'Cleanup done?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.cleanup.status', StringEquals: 'WAITING', Next: 'Wait for cleanup' }],
        Default: 'Record outcome',
      },
      'Wait for cleanup': { Type: 'Wait', SecondsPath: '$.cleanup.nextWaitSeconds', Next: 'Clean up' },
      'Record outcome': drillTask('RecordDrillOutcome', '$.outcome', 'Send report', {
        Catch: catchAllInto('$.recordFailure', 'Drill not recorded'),
      }),
      'Send report': drillTask('SendDrillReport', '$.report', 'Passed?', {
        Retry: [
          ...transientRetry,
          // SES refusing: try for a few minutes (the handler has recorded each refusal) before giving up.
          { ErrorEquals: ['DrillReportNotSent'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL' },
        ],
        Catch: catchAllInto('$.reportFailure', 'Report not sent'),
      }),
      'Passed?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.outcome.passed', BooleanEquals: true, Next: 'Drill passed' }],
        Default: 'Drill failed',
      },
      'Drill passed': { Type: 'Succeed' },
      'Drill failed': { Type: 'Fail', Error: 'DrillFailed', Cause: 'The drill did not meet its plan: see the drill run record and its report' },
      'Report not sent': { Type: 'Fail', Error: 'DrillReportNotSent', Cause: 'The outcome is recorded and the restored table cleaned up, but the report email could not be sent' },
      'Drill not recorded': { Type: 'Fail', Error: 'DrillOutcomeNotRecorded', Cause: 'Cleanup ran, but the outcome could not be recorded' },
    },
  };
}
