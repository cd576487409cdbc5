import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { durationSeconds } from '../functions/domain/duration.js';
import { NOTIFICATION_NOT_SENT } from '../functions/domain/email-content.js';
import type { ClockDefinition } from '../functions/domain/clock.js';
import type { HumanTaskDefinition } from '../functions/domain/human-task.js';
import {
  invokeAndWaitForToken,
  invokeFunction,
  notificationRetry,
  transientRetry,
  type AslDefinition,
  type AslState,
} from './asl-fragments.js';
import {
  metStepIds,
  walkSteps,
  type ActionStep,
  type ApprovalStep,
  type ChoiceCondition,
  type ChoiceStep,
  type ClockStep,
  type HumanStep,
  type NotifyStep,
  type ParallelStep,
  type Runbook,
  type RunbookStep,
} from '../functions/domain/runbook-schema.js';

/*
 * Runbook → ASL (JSONPath only: no JSONata, no Assign, so the same definition runs on AWS and locally).
 *
 * Shape of the output:
 * - RecordRunbookStarted → the steps → RecordRunbookCompleted; every step's first state is named by its id.
 * - Every Lambda Task has Retry (transient errors, exponential backoff, FULL jitter) and a Catch to
 *   `<step>.record-failure` (runbook.failed, naming the step and the error). At the top level that goes on
 *   to NotifyRunbookFailed (email the commanders) → RunbookFailed. Inside a branch (a parallel step's, or
 *   a clock's) it goes to the branch's Fail state, Runbook.StepFailed, which fails the enclosing Parallel;
 *   its Catch passes the failure outwards until the top level notifies.
 * - A task/approval is unrolled: one `.waitForTaskToken` state per escalation level (never a loop), then
 *   ExpireHumanTask and a Choice on what to do when exhausted. History per task is bounded by its levels.
 * - A clock at position i of a list becomes a Parallel: branch 1 runs the steps after it, branch 2 the
 *   clock (start, then Wait/remind per reminder, then Wait/deadline). When branch 1 ends it enters a Fail
 *   state named Runbook.StepsFinished, which stops the clock branch at once; the Parallel's Catch for that
 *   error closes the clock and carries on. A notify step's failure is recorded (notify.failed) and skipped.
 */

const RECORD_STARTED = 'RecordRunbookStarted';
const RECORD_COMPLETED = 'RecordRunbookCompleted';
const RECORD_FAILED = 'RecordRunbookFailed';
const NOTIFY_FAILED = 'NotifyRunbookFailed';
const FAILED = 'RunbookFailed';

/** A step inside a branch failed (already recorded and notified there): the enclosing Parallel fails too. */
export const STEP_FAILED_ERROR = 'Runbook.StepFailed';
/** The steps beside a clock are done: ends the clock's Parallel (and so its waiting branch). */
export const STEPS_FINISHED_ERROR = 'Runbook.StepsFinished';

/** Step Functions' limit on state names. */
const MAX_STATE_NAME = 80;
/** A year is the longest a Standard execution may run. */
const MAX_EXECUTION_SECONDS = 365 * 24 * 3600;
/** Headroom per automated step for its retries, in the execution's timeout. */
const AUTOMATED_STEP_SECONDS = 15 * 60;

/** SHA-256 of the runbook's canonical JSON: stamped on every run and incident. */
export function runbookHash(runbook: Runbook): string {
  return createHash('sha256').update(canonicalize(runbook) ?? '', 'utf8').digest('hex');
}

interface Scope {
  readonly states: Record<string, AslState>;
  /**
   * Where a failure goes once recorded: at the top, the notification to the commanders (then Fail); in a
   * branch, a Fail state (Runbook.StepFailed) that fails the enclosing Parallel, whose Catch sends it on.
   */
  readonly onFailure: string;
}

const catchAll = (next: string, resultPath: string | null = '$.failure') => ({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next });

class RunbookCompiler {
  private readonly clocksMetBy = new Map<string, ClockStep[]>();

  constructor(
    private readonly runbook: Runbook,
    private readonly hash: string,
  ) {
    for (const { step } of walkSteps(runbook.steps)) {
      if (step.type !== 'clock') continue;
      for (const metId of metStepIds(step)) this.clocksMetBy.set(metId, [...(this.clocksMetBy.get(metId) ?? []), step]);
    }
  }

  compile(): AslDefinition {
    const states: Record<string, AslState> = {};
    const top: Scope = { states, onFailure: NOTIFY_FAILED };
    states[RECORD_STARTED] = {
      Comment: 'Record that this run of the runbook started',
      ...this.recordEvent(RECORD_STARTED, 'runbook.started', {
        runbookStatus: 'running',
        detail: { runbookId: this.runbook.id, runbookVersion: this.runbook.version, runbookHash: this.hash },
      }),
      Catch: [catchAll(RECORD_FAILED)],
      Next: this.compileList(this.runbook.steps, RECORD_COMPLETED, top),
    };
    states[RECORD_COMPLETED] = {
      Comment: 'Every step finished: record the outcome',
      ...this.recordEvent(RECORD_COMPLETED, 'runbook.completed', { runbookStatus: 'completed', detail: { runbookHash: this.hash } }),
      Catch: [catchAll(RECORD_FAILED)],
      End: true,
    };
    states[RECORD_FAILED] = this.recordFailureState(RECORD_FAILED, top, 'Record that the runbook could not record its start or end');
    this.addNotifyFailure(top);

    return {
      Comment: `irdr runbook ${this.runbook.id} v${this.runbook.version} (sha256 ${this.hash})`,
      StartAt: RECORD_STARTED,
      TimeoutSeconds: Math.min(MAX_EXECUTION_SECONDS, listSeconds(this.runbook.steps) + 24 * 3600),
      States: states,
    };
  }

  /** Compiles a list of steps ending in `continuation`; returns the name of its first state. */
  private compileList(steps: readonly RunbookStep[], continuation: string, scope: Scope): string {
    for (const [index, step] of steps.entries()) {
      if (step.type === 'clock') {
        this.compileClock(step, steps.slice(index + 1), continuation, scope);
        break;
      }
      this.compileStep(step, steps[index + 1]?.id ?? continuation, scope);
    }
    return steps[0]?.id ?? continuation;
  }

  private compileStep(step: Exclude<RunbookStep, ClockStep>, next: string, scope: Scope): void {
    switch (step.type) {
      case 'action':
        return this.compileAction(step, this.metChain(step.id, next, scope), scope);
      case 'notify':
        return this.compileNotify(step, this.metChain(step.id, next, scope), scope);
      case 'task':
      case 'approval':
        return this.compileHumanStep(step, next, scope);
      case 'choice':
        return this.compileChoice(step, this.metChain(step.id, next, scope), scope);
      case 'parallel':
        return this.compileParallel(step, this.metChain(step.id, next, scope), scope);
    }
  }

  private compileAction(step: ActionStep, next: string, scope: Scope): void {
    const failure = this.addRecordFailure(step.id, scope);
    if (step.handler === 'start-drill') {
      this.add(scope, step.id, {
        Comment: step.title,
        ...invokeFunction('StartDrillFromRunbook', {
          ...this.stepContext(step.id),
          drillPlanId: step.drillPlanId,
          event: step.event ?? 'recovery.drill-started',
          'mode.$': '$.mode',
        }),
        Catch: [catchAll(failure)],
        Next: next,
      });
      return;
    }
    if (step.handler === 'start-reports' || step.handler === 'close-reports') {
      const report = step.handler === 'start-reports' ? { ...(step.classifyAs !== undefined && { classifyAs: step.classifyAs }) } : { closesReportOf: step.closesReportOf };
      this.add(scope, step.id, {
        Comment: step.title,
        ...invokeFunction('StartReportsFromRunbook', { ...this.stepContext(step.id), ...report, 'input.$': '$' }),
        Catch: [catchAll(failure)],
        Next: next,
      });
      return;
    }
    if (step.lambda === undefined) {
      this.add(scope, step.id, {
        Comment: step.title,
        ...this.recordEvent(step.id, step.event ?? 'action.completed', { detail: { title: step.title } }),
        Catch: [catchAll(failure)],
        Next: next,
      });
      return;
    }
    const record = `${step.id}.record`;
    this.add(scope, step.id, {
      Comment: step.title,
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: step.lambda, Payload: { ...this.stepContext(step.id), 'input.$': '$' } },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.actionResult',
      TimeoutSeconds: 300,
      Retry: transientRetry,
      Catch: [catchAll(failure)],
      Next: record,
    });
    this.add(scope, record, {
      Comment: `Record what ${step.id} returned`,
      ...this.recordEvent(step.id, step.event ?? 'action.completed', { detail: { title: step.title, lambda: step.lambda, 'result.$': '$.actionResult.result' } }),
      Catch: [catchAll(failure)],
      Next: next,
    });
  }

  private compileNotify(step: NotifyStep, next: string, scope: Scope): void {
    const failure = this.addRecordFailure(step.id, scope);
    const notifyFailed = `${step.id}.notify-failed`;
    this.add(scope, step.id, {
      Comment: step.title,
      ...invokeFunction('SendNotification', {
        ...this.stepContext(step.id),
        to: step.to,
        subject: step.subject,
        body: step.body,
        ...(step.html !== undefined && { html: step.html }),
        'variables.$': '$',
      }),
      Retry: notificationRetry(NOTIFICATION_NOT_SENT),
      // A notification never fails the runbook: record that it was not sent, and carry on.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: notifyFailed }],
      Next: next,
    });
    this.add(scope, notifyFailed, {
      Comment: `Record that ${step.id} could not be sent, and carry on`,
      ...this.recordEvent(step.id, 'notify.failed', {
        detail: { title: step.title, subject: step.subject, 'error.$': '$.notifyError.Error', 'cause.$': '$.notifyError.Cause' },
      }),
      Catch: [catchAll(failure)],
      Next: next,
    });
  }

  /** A task or approval: one waiting state per escalation level, then expiry and its consequence. */
  private compileHumanStep(step: HumanStep, next: string, scope: Scope): void {
    const failure = this.addRecordFailure(step.id, scope);
    const levels = step.escalation.levels;
    const waitingName = (level: number): string => (level === 0 ? step.id : `${step.id}.escalate-${level}`);
    const expire = `${step.id}.expire`;
    const checkExpiry = `${step.id}.check-expiry`;
    const route = `${step.id}.route`;

    // Where a decision goes: through the clocks it meets, then on (a task) or to its branch (an approval).
    const decided = this.metChain(step.id, step.type === 'approval' ? route : next, scope);
    let approvedHead = next;
    let rejectedHead = next;
    if (step.type === 'approval') {
      approvedHead = this.branchHead(step, 'approved', next, scope);
      rejectedHead = this.branchHead(step, 'rejected', next, scope);
    }

    const definition: HumanTaskDefinition = {
      kind: step.type,
      title: step.title,
      ...(step.instructions !== undefined && { instructions: step.instructions }),
      ...(step.type === 'task' ? { assignee: step.assignee } : { approvers: step.approvers }),
      deadlineSeconds: durationSeconds(step.deadline),
      levels: levels.map((level, index) => ({ level: index + 1, notify: level.notify, afterSeconds: durationSeconds(level.after) })),
      onExhausted: step.escalation.onExhausted,
      ...(step.type === 'task' && step.completedBy !== undefined && { completedBy: step.completedBy }),
      ...(step.requires !== undefined && { requires: step.requires }),
    };

    for (let level = 0; level <= levels.length; level += 1) {
      const timeoutSeconds = level === 0 ? definition.deadlineSeconds : definition.levels[level - 1]!.afterSeconds;
      const onTimeout = level < levels.length ? waitingName(level + 1) : expire;
      const payload =
        level === 0
          ? { ...this.stepContext(step.id), task: definition, 'input.$': '$' }
          : { ...this.stepContext(step.id), level, 'input.$': '$' };
      this.add(scope, waitingName(level), {
        Comment:
          level === 0
            ? `${step.title} (waits ${step.deadline} for ${step.type === 'task' ? step.assignee : 'an approver'})`
            : `Escalation level ${level}: email ${levels[level - 1]!.notify.join(', ')}, wait ${levels[level - 1]!.after}`,
        ...invokeAndWaitForToken(level === 0 ? 'CreateHumanTask' : 'EscalateHumanTask', payload, timeoutSeconds),
        ResultPath: '$.decision',
        Catch: [
          // A decision recorded while the previous level timed out (or, at level 0, before the run got here) comes
          // back as this state's result like any other: the function answers its own token, nothing is thrown.
          { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: onTimeout },
          catchAll(failure),
        ],
        Next: decided,
      });
    }

    this.add(scope, expire, {
      Comment: 'Nobody acted in time: close the task (unless a decision arrived at the last moment)',
      ...invokeFunction('ExpireHumanTask', { ...this.stepContext(step.id), onExhausted: step.escalation.onExhausted }),
      ResultSelector: { 'outcome.$': '$.Payload.outcome' },
      ResultPath: '$.decision',
      Catch: [catchAll(failure)],
      Next: checkExpiry,
    });

    const onExpired = (() => {
      switch (step.escalation.onExhausted) {
        case 'continue':
          return next;
        case 'auto-reject':
          return rejectedHead;
        case 'fail': {
          const exhausted = `${step.id}.exhausted`;
          this.add(scope, exhausted, {
            Comment: 'The escalation is exhausted and the runbook says to fail',
            Type: 'Pass',
            Result: { Error: 'Task.Exhausted', Cause: `Nobody completed "${step.title}" through ${levels.length} escalation level(s)` },
            ResultPath: '$.failure',
            Next: failure,
          });
          return exhausted;
        }
      }
    })();
    this.add(scope, checkExpiry, {
      Comment: 'Expired, auto-rejected, or decided just in time?',
      Type: 'Choice',
      Choices: [
        { Variable: '$.decision.outcome', StringEquals: 'expired', Next: onExpired },
        { Variable: '$.decision.outcome', StringEquals: 'auto-rejected', Next: rejectedHead },
      ],
      Default: decided,
    });

    if (step.type === 'approval') {
      this.add(scope, route, {
        Comment: 'Take the branch the approver chose',
        Type: 'Choice',
        Choices: [{ Variable: '$.decision.outcome', StringEquals: 'approved', Next: approvedHead }],
        Default: rejectedHead,
      });
    }
  }

  private branchHead(step: ApprovalStep, branch: 'approved' | 'rejected', next: string, scope: Scope): string {
    const target = step[branch];
    return typeof target === 'string' ? target : this.compileList(target, next, scope);
  }

  private compileChoice(step: ChoiceStep, next: string, scope: Scope): void {
    this.add(scope, step.id, {
      Comment: step.title,
      Type: 'Choice',
      Choices: step.choices.map((choice) => ({ ...choiceRule(choice.when), Next: this.compileList(choice.steps, next, scope) })),
      Default: this.compileList(step.otherwise, next, scope),
    });
  }

  private compileParallel(step: ParallelStep, next: string, scope: Scope): void {
    const failure = this.addRecordFailure(step.id, scope);
    this.add(scope, step.id, {
      Comment: step.title,
      Type: 'Parallel',
      Branches: step.branches.map((branch, index) => {
        const branchId = `${step.id}.branch-${index + 1}`;
        const inner = this.innerScope(branchId);
        const done = `${branchId}.done`;
        inner.states[done] = { Comment: `${branch.title ?? `Branch ${index + 1}`} is done`, Type: 'Succeed' };
        return { StartAt: this.compileList(branch.steps, done, inner), States: inner.states };
      }),
      // Branch outputs are not threaded on: the trail holds what happened.
      ResultPath: null,
      Catch: [{ ErrorEquals: [STEP_FAILED_ERROR], ResultPath: '$.failure', Next: scope.onFailure }, catchAll(failure)],
      Next: next,
    });
  }

  /** The clock and the steps after it, side by side. */
  private compileClock(step: ClockStep, rest: readonly RunbookStep[], next: string, scope: Scope): void {
    const failure = this.addRecordFailure(step.id, scope);
    const close = `${step.id}.close`;
    const closeOnFailure = `${step.id}.close-on-failure`;

    const steps = this.innerScope(`${step.id}.steps`);
    const finished = `${step.id}.steps-finished`;
    steps.states[finished] = {
      Comment: `The steps beside ${step.id} are done: end the Parallel, which stops the clock's waiting`,
      Type: 'Fail',
      Error: STEPS_FINISHED_ERROR,
      Cause: `Every step beside the clock ${step.id} has finished`,
    };
    const stepsStart = this.compileList(rest, finished, steps);

    const clock = this.innerScope(`${step.id}.clock`);
    const clockStart = this.compileClockBranch(step, clock, Math.min(MAX_EXECUTION_SECONDS, listSeconds(rest) + 24 * 3600));

    this.add(scope, step.id, {
      Comment: step.title,
      Type: 'Parallel',
      Branches: [
        { StartAt: stepsStart, States: steps.states },
        { StartAt: clockStart, States: clock.states },
      ],
      ResultPath: null,
      Catch: [
        { ErrorEquals: [STEPS_FINISHED_ERROR], ResultPath: null, Next: close },
        { ErrorEquals: [STEP_FAILED_ERROR], ResultPath: '$.failure', Next: closeOnFailure },
        catchAll(failure),
      ],
      Next: close,
    });
    this.add(scope, close, {
      Comment: `Close ${step.id} if it is still running (its steps finished before it was met or missed)`,
      ...invokeFunction('TrackClock', { ...this.stepContext(step.id), action: 'stop', clockId: step.id, reason: 'steps-finished' }),
      Catch: [catchAll(failure)],
      Next: next,
    });
    this.add(scope, closeOnFailure, {
      Comment: `A step beside ${step.id} failed (recorded): close the clock, then pass the failure on`,
      ...invokeFunction('TrackClock', { ...this.stepContext(step.id), action: 'stop', clockId: step.id, reason: 'runbook-failed' }),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: scope.onFailure }],
      Next: scope.onFailure,
    });
  }

  /** start → (wait → remind → check)×reminders → wait → deadline → done. Bounded: no loop. */
  private compileClockBranch(step: ClockStep, clock: Scope, besideSeconds: number): string {
    const failure = this.addRecordFailure(`${step.id}.clock`, clock, step.id);
    const reminders = step.reminders.map((reminder) =>
      typeof reminder === 'number' ? { at: reminder, notify: step.notify } : { at: reminder.at, notify: reminder.notify ?? step.notify },
    );
    const definition: ClockDefinition = {
      title: step.title,
      ...(step.obligation !== undefined && { obligation: step.obligation }),
      from: step.from,
      ...(step.duration !== undefined && { durationSeconds: durationSeconds(step.duration) }),
      ...(step.businessDays !== undefined && { businessDays: step.businessDays }),
      ...(step.calendar !== undefined && { calendar: step.calendar }),
      reminders,
      notify: step.notify,
      metBy: metStepIds(step),
      ...(step.appliesTo !== undefined && { appliesTo: step.appliesTo }),
      kind: step.kind,
    };
    const start = `${step.id}.start`;
    const done = `${step.id}.clock-done`;
    const waitName = (index: number): string => (index < reminders.length ? `${step.id}.wait-${index + 1}` : `${step.id}.wait-deadline`);
    const tick = (action: 'remind' | 'deadline', extra: Record<string, unknown>): AslState => ({
      ...invokeFunction('TrackClock', { ...this.stepContext(step.id), action, ...extra, 'plan.$': '$.clockState.plan', 'input.$': '$' }),
      ResultSelector: { 'plan.$': '$.Payload' },
      ResultPath: '$.clockState',
      Catch: [catchAll(failure)],
    });

    this.add(clock, start, {
      Comment: `Start the clock: ${step.duration ?? `${step.businessDays} business days`} from ${step.from}`,
      ...invokeFunction('TrackClock', { ...this.stepContext(step.id), action: 'start', clock: definition, 'input.$': '$' }),
      ResultSelector: { 'plan.$': '$.Payload' },
      ResultPath: '$.clockState',
      Catch: [catchAll(failure)],
      Next: `${step.id}.armed`,
    });
    // A clock for some severities only waits, while the steps beside it run, for a raise to one of them (which
    // answers with the plan it started the clock with); any other clock that does not apply ends here.
    const awaitRaise = `${step.id}.await-raise`;
    this.add(clock, `${step.id}.armed`, {
      Comment: step.appliesTo === undefined ? 'A clock that does not apply to this incident ends here' : `Not ${step.appliesTo.join('/')}: wait for a raise to it`,
      Type: 'Choice',
      Choices: [{ Variable: '$.clockState.plan.armed', BooleanEquals: false, Next: step.appliesTo === undefined ? done : awaitRaise }],
      Default: waitName(0),
    });
    if (step.appliesTo !== undefined) {
      this.add(clock, awaitRaise, {
        Comment: `Until the severity is raised to ${step.appliesTo.join('/')} (the clock then starts) or the steps beside it finish`,
        ...invokeAndWaitForToken('TrackClock', { ...this.stepContext(step.id), action: 'await-raise', clockId: step.id }, besideSeconds),
        ResultPath: '$.clockState',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: done }, catchAll(failure)],
        Next: waitName(0),
      });
    }
    reminders.forEach((reminder, index) => {
      const remind = `${step.id}.remind-${index + 1}`;
      const check = `${step.id}.check-${index + 1}`;
      this.add(clock, waitName(index), {
        Comment: `Until ${Math.round(reminder.at * 100)}% of the time has passed`,
        Type: 'Wait',
        SecondsPath: '$.clockState.plan.nextWaitSeconds',
        Next: remind,
      });
      this.add(clock, remind, { Comment: `Reminder ${index + 1}: email ${reminder.notify.join(', ')} unless met`, ...tick('remind', { reminder: index + 1 }), Next: check });
      this.add(clock, check, {
        Comment: 'Met or stopped meanwhile? Then the clock is done',
        Type: 'Choice',
        Choices: [{ Variable: '$.clockState.plan.running', BooleanEquals: false, Next: done }],
        Default: waitName(index + 1),
      });
    });
    this.add(clock, waitName(reminders.length), {
      Comment: 'Until the deadline',
      Type: 'Wait',
      SecondsPath: '$.clockState.plan.nextWaitSeconds',
      Next: `${step.id}.deadline`,
    });
    this.add(clock, `${step.id}.deadline`, {
      Comment: `Deadline: record the clock missed unless it was met (and tell ${step.notify.join(', ')})`,
      ...tick('deadline', {}),
      Next: done,
    });
    this.add(clock, done, { Comment: 'The clock is done', Type: 'Succeed' });
    return start;
  }

  /** After a step that meets clocks: one TrackClock `met` per clock, then `next`. Returns the chain's head. */
  private metChain(stepId: string, next: string, scope: Scope): string {
    const clocks = this.clocksMetBy.get(stepId) ?? [];
    let head = next;
    for (const [index, clock] of [...clocks.entries()].reverse()) {
      const name = `${stepId}.meets-${index + 1}`;
      this.add(scope, name, {
        Comment: `${stepId} is done: the clock ${clock.id} is met (unless already missed)`,
        // Its kind and title, so a clock met before its branch started is recorded as what it is.
        ...invokeFunction('TrackClock', { ...this.stepContext(stepId), action: 'met', clockId: clock.id, kind: clock.kind, title: clock.title }),
        Catch: [catchAll(`${stepId}.record-failure`)],
        Next: head,
      });
      head = name;
    }
    if (clocks.length > 0) this.addRecordFailure(stepId, scope);
    return head;
  }

  private innerScope(scopeId: string): Scope {
    const scope: Scope = { states: {}, onFailure: `${scopeId}.failed` };
    this.add(scope, scope.onFailure, { Type: 'Fail', Error: STEP_FAILED_ERROR, Cause: `A step in ${scopeId} failed; the incident trail says which and why` });
    return scope;
  }

  /** The top scope's end of every failure: tell the commanders, then fail the execution. */
  private addNotifyFailure(scope: Scope): void {
    this.add(scope, NOTIFY_FAILED, {
      Comment: 'Tell the incident commanders the runbook stopped',
      ...invokeFunction('SendNotification', {
        'incidentId.$': '$.incidentId',
        stepId: NOTIFY_FAILED,
        'executionArn.$': '$$.Execution.Id',
        to: { roles: ['commander'] },
        subject: '[{{severity}}] Runbook failed: {{title}}',
        body: 'The runbook {{runbookTitle}} stopped on incident {{incidentId}}: {{failure.Error}}.\n\n{{failure.Cause}}',
        'variables.$': '$',
      }),
      Retry: notificationRetry(NOTIFICATION_NOT_SENT),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: FAILED }],
      Next: FAILED,
    });
    this.add(scope, FAILED, { Type: 'Fail', Error: 'RunbookFailed', Cause: 'A runbook step failed; see the incident trail' });
  }

  /** `<id>.record-failure` in the scope (once): records runbook.failed naming the step, then notifies. */
  private addRecordFailure(ownerId: string, scope: Scope, stepId: string = ownerId): string {
    const name = `${ownerId}.record-failure`;
    if (!(name in scope.states)) this.add(scope, name, this.recordFailureState(stepId, scope, `${stepId} failed after its retries: record which and why`));
    return name;
  }

  private recordFailureState(stepId: string, scope: Scope, comment: string): AslState {
    return {
      Comment: comment,
      ...this.recordEvent(stepId, 'runbook.failed', { runbookStatus: 'failed', 'detail.$': '$.failure' }),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordFailure', Next: scope.onFailure }],
      Next: scope.onFailure,
    };
  }

  private recordEvent(stepId: string, type: string, fields: Record<string, unknown>): AslState {
    return invokeFunction('RecordEvent', { ...this.stepContext(stepId), type, ...fields });
  }

  private stepContext(stepId: string): Record<string, unknown> {
    return { 'incidentId.$': '$.incidentId', stepId, 'executionArn.$': '$$.Execution.Id' };
  }

  private add(scope: Scope, name: string, state: AslState): void {
    this.checkName(name);
    if (name in scope.states) throw new Error(`runbook ${this.runbook.id}: state ${name} would be defined twice`);
    scope.states[name] = state;
  }

  private checkName(name: string): void {
    if (name.length > MAX_STATE_NAME) throw new Error(`runbook ${this.runbook.id}: state name ${name} is longer than ${MAX_STATE_NAME} characters; shorten the step id`);
  }
}

/** A Choice rule for a `when`; fields are tested for presence first, so a missing field is simply false. */
function choiceRule(when: ChoiceCondition): Record<string, unknown> {
  if (when.severity !== undefined) {
    const rules = when.severity.map((severity) => ({ Variable: '$.severity', StringEquals: severity }));
    return rules.length === 1 ? rules[0]! : { Or: rules };
  }
  const variable = `$.${when.field}`;
  if (when.present !== undefined) return { Variable: variable, IsPresent: when.present };
  const tests = when.equals !== undefined ? [when.equals] : (when.oneOf ?? []);
  const comparisons = tests.map((value) => ({ Variable: variable, StringEquals: value }));
  return { And: [{ Variable: variable, IsPresent: true }, { Variable: variable, IsString: true }, comparisons.length === 1 ? comparisons[0]! : { Or: comparisons }] };
}

/** The longest a list of steps can take (its worst path), for the execution's TimeoutSeconds. */
function listSeconds(steps: readonly RunbookStep[]): number {
  let total = 0;
  for (const [index, step] of steps.entries()) {
    if (step.type === 'clock') {
      const clockSeconds = step.duration !== undefined ? durationSeconds(step.duration) : (step.businessDays ?? 0) * 86_400 + Math.ceil((step.businessDays ?? 0) / 5 + 1) * 2 * 86_400;
      // awareAt may lie before the run started, so the clock never outlasts its duration from now.
      return total + Math.max(clockSeconds, listSeconds(steps.slice(index + 1))) + AUTOMATED_STEP_SECONDS;
    }
    total += stepSeconds(step);
  }
  return total;
}

function stepSeconds(step: Exclude<RunbookStep, ClockStep>): number {
  switch (step.type) {
    case 'action':
    case 'notify':
      return AUTOMATED_STEP_SECONDS;
    case 'task':
    case 'approval': {
      const waiting = durationSeconds(step.deadline) + step.escalation.levels.reduce((sum, level) => sum + durationSeconds(level.after), 0);
      const branches = step.type === 'approval' ? [step.approved, step.rejected].map((branch) => (typeof branch === 'string' ? 0 : listSeconds(branch))) : [0];
      return waiting + AUTOMATED_STEP_SECONDS + Math.max(...branches);
    }
    case 'choice':
      return AUTOMATED_STEP_SECONDS + Math.max(listSeconds(step.otherwise), ...step.choices.map((choice) => listSeconds(choice.steps)));
    case 'parallel':
      return AUTOMATED_STEP_SECONDS + Math.max(...step.branches.map((branch) => listSeconds(branch.steps)));
  }
}

/**
 * Compiles a runbook to ASL (JSONPath, no JSONata or variables, so the same definition runs
 * on Step Functions and on the local engine). Deterministic: the same runbook gives the same bytes.
 */
export function compileRunbook(runbook: Runbook): AslDefinition {
  return new RunbookCompiler(runbook, runbookHash(runbook)).compile();
}
