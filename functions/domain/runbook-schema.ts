import { ControlReference } from './evidence/controls.js';
import * as z from './zod.js';
import { CalendarName } from './business-calendars.js';
import { RoleName } from './config-schema.js';
import { DURATION_HINT, parseDurationSeconds } from './duration.js';
import { TaskCompletedBy, TaskRequirement } from './human-task.js';
import { REPORT_TASK_ID_PREFIX, RUNBOOK_ID_PATTERN, STEP_ID_PATTERN } from './id-patterns.js';
import { Severity } from './incident.js';
import { DrillPlanId } from './drill-plan-schema.js';
import { ClassificationLabel } from './classification-label.js';

/*
 * Runbook definitions, schema v2. Steps run in order; branching steps (choice, approval, parallel)
 * hold their branches' steps inline, so a runbook is a tree: it cannot loop, and every path ends.
 * Step ids are unique in the whole runbook (they name states, tasks and clocks).
 */

/** Short enough that every state derived from it stays within Step Functions' 80-character names. */
export const StepId = z.string().check(z.regex(STEP_ID_PATTERN, 'a step id is lower-case letters, digits and dashes, starting with a letter, at most 48 characters'), z.refine((id) => !id.startsWith(REPORT_TASK_ID_PREFIX), {
  message: `a step id may not start with "${REPORT_TASK_ID_PREFIX}": those are the regulatory report stages' tasks; name it e.g. dora-initial-report`,
}));

export const Duration = z.string().check(z.refine((text) => parseDurationSeconds(text) !== undefined, { message: `expected ${DURATION_HINT}` }));

const EventType = z.string().check(z.regex(/^[a-z][a-z0-9.-]*$/, 'an event type is dotted lower-case words, e.g. triage.started'));
const LambdaArn = z.string().check(z.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/, 'a Lambda function ARN'));
/** A field of the incident's runbook input, as a dotted path: `severity`, `source`, `labels.nis2`. */
const InputField = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'a dotted field of the runbook input, e.g. source or labels.nis2'));
const Roles = z.array(RoleName).check(z.minLength(1));
/** An allow-listed approver: an IAM principal ARN (`*` allowed) or `email:<address>` for emailed links. */
const ApproverPrincipal = z.string().check(z.regex(/^(arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):\S+|email:\S+@\S+)$/, 'an IAM/STS ARN (`*` allowed) or email:<address>'));

const StepBase = {
  id: StepId,
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string()),
};

const ActionStep = z.strictObject({
  ...StepBase,
  type: z.literal('action'),
  /**
   * A built-in handler: `record-event` appends `event` to the trail; `start-drill` starts the restore drill
   * `drillPlanId` (workflows/drills) and records its run id in the trail (`event`, default recovery.drill-started)...
   */
  handler: z.optional(z.enum(['record-event', 'start-drill', 'start-reports', 'close-reports'])),
  /**
   * `start-reports` starts the regulatory report stages (docs/regulatory-stages.md) of the classification labels the
   * incident was opened with; with `classifyAs`, after an approval, it classifies the incident so as that approval
   * decided (e.g. `material`: the SEC materiality determination) and starts that report's stages; with `classifyAs`
   * and no approval before it, the runbook itself is the classification (every incident on personal-data-breach is one).
   */
  classifyAs: z.optional(ClassificationLabel),
  /**
   * `close-reports`, after an approval rejected: the open stages of this label's report are closed as not owed, with
   * the approver's reasons (GDPR Art. 33(5): a breach unlikely to result in a risk is recorded, not notified).
   */
  closesReportOf: z.optional(ClassificationLabel),
  /** The drill plan a `start-drill` action runs. */
  drillPlanId: z.optional(DrillPlanId),
  /** ...or a Lambda function of your own, invoked with the incident's input. */
  lambda: z.optional(LambdaArn),
  /** The event appended to the trail (for a Lambda: after it succeeds, with its result). */
  event: z.optional(EventType),
}).check(z.superRefine((step, ctx) => {
  if ((step.handler === undefined) === (step.lambda === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['handler'], message: 'an action names either a built-in handler (record-event, start-drill, start-reports, close-reports) or a lambda ARN, not both' });
  }
  if (step.handler === 'record-event' && step.event === undefined) {
    ctx.addIssue({ code: 'custom', path: ['event'], message: 'record-event needs the event type to record, e.g. event: containment.started' });
  }
  if (step.classifyAs !== undefined && step.handler !== 'start-reports') {
    ctx.addIssue({ code: 'custom', path: ['classifyAs'], message: 'only a start-reports action classifies (classifyAs)' });
  }
  if ((step.handler === 'close-reports') !== (step.closesReportOf !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['closesReportOf'], message: "close-reports names the classification whose report it closes (closesReportOf, e.g. personal-data), and only close-reports takes one" });
  }
  if ((step.handler === 'start-drill') !== (step.drillPlanId !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['drillPlanId'], message: 'start-drill names the drill plan to run (drillPlanId), and only start-drill takes one' });
  }
}));

const NotifyStep = z.strictObject({
  ...StepBase,
  type: z.literal('notify'),
  to: z
    .strictObject({ roles: z.optional(z.array(RoleName).check(z.minLength(1))), addresses: z.optional(z.array(z.email()).check(z.minLength(1))) }).check(z.refine((to) => to.roles !== undefined || to.addresses !== undefined, { message: 'name roles, addresses or both' })),
  /** `{{field}}` templates over the incident's runbook input (title, severity, summary, incidentId, ...). */
  subject: z.string().check(z.minLength(1), z.maxLength(200)),
  body: z.string().check(z.minLength(1)),
  /** HTML body; by default the text body, escaped. */
  html: z.optional(z.string().check(z.minLength(1))),
});

export const OnExhausted = z.enum(['fail', 'continue', 'auto-reject']);

const EscalationLevel = z.strictObject({
  /** Who is emailed when this level starts. */
  notify: Roles,
  /** How long this level waits before the next one (or, for the last, before the escalation is exhausted). */
  after: Duration,
});

const Escalation = z.strictObject({
  /** At most 10 levels: each is a state of its own (never a loop), keeping executions far from the 25,000-event limit. */
  levels: z._default(z.array(EscalationLevel).check(z.maxLength(10)), []),
  /** What happens when the last level has waited in vain. auto-reject is for approvals only. */
  onExhausted: z._default(OnExhausted, 'fail'),
});

const HumanStepBase = {
  ...StepBase,
  /** What the person must do; a `{{field}}` template. */
  instructions: z.optional(z.string().check(z.minLength(1))),
  /** How long the first recipients have before escalation starts. */
  deadline: Duration,
  escalation: z._default(Escalation, { levels: [], onExhausted: 'fail' }),
  /**
   * `authenticated`: decided only by an authenticated identity (the API with SigV4, the CLI), never by an emailed
   * link: its emails carry no link, only what to run, and the link handler refuses any link to it. For decisions
   * whose record must name a signed-in person, e.g. notifying a regulator or recovering from ransomware.
   */
  requires: z.optional(TaskRequirement),
};

const TaskStep = z.strictObject({
  ...HumanStepBase,
  type: z.literal('task'),
  /** The role whose members must act (and may complete it). */
  assignee: RoleName,
  /**
   * Also completed by a change of the incident's lifecycle: `acknowledgement` — acknowledging the incident
   * (POST /incidents/{id}/acknowledge) completes this task as the one who acknowledged, outcome done;
   * `post-incident-review` — this task is the same review as the one opened on resolve
   * (review.post-incident): completing either completes the other, as the same person.
   */
  completedBy: z.optional(TaskCompletedBy),
});

const ReminderSpec = z.union([
  z.number().check(z.gt(0), z.lt(1)),
  z.strictObject({ at: z.number().check(z.gt(0), z.lt(1)), notify: z.optional(Roles) }),
]);

const ClockAnchor = z.enum(['awareAt', 'detectedAt', 'openedAt', 'reached']);

const ClockStep = z.strictObject({
  ...StepBase,
  type: z.literal('clock'),
  /** The obligation the clock keeps, for the trail and the emails, e.g. GDPR Art. 33(1). */
  obligation: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /**
   * What the deadline counts from: the incident's awareAt / detectedAt / openedAt (each falling back
   * to the next when absent), or `reached`: the moment the runbook reaches this step (a decision's time).
   */
  from: ClockAnchor,
  /** Either a duration... */
  duration: z.optional(Duration),
  /** ...or business days: weekends and the public holidays of the calendar's jurisdiction skipped, on its clock. */
  businessDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(60))),
  /** Whose business days (config businessCalendars, e.g. `sec`); the team's when left out. */
  calendar: z.optional(CalendarName),
  /** Fractions of the time at which to remind (and, with notify, escalate to more roles). */
  reminders: z._default(z.array(ReminderSpec).check(z.maxLength(6)), []),
  /** Who is told of reminders and of a missed deadline. */
  notify: Roles,
  /** The step(s) whose completion meets the clock; any one of them will do. Must follow the clock. */
  met: z.optional(z.union([StepId, z.array(StepId).check(z.minLength(1))])),
  /** Armed only for these severities (e.g. the one-hour acknowledgement promise for SEV1/SEV2). */
  appliesTo: z.optional(z.array(Severity).check(z.minLength(1))),
  /** An `sla` clock also records `sla.breached` when missed. */
  kind: z._default(z.enum(['regulatory', 'sla']), 'regulatory'),
}).check(z.superRefine((clock, ctx) => {
  if ((clock.duration === undefined) === (clock.businessDays === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a clock has either a duration (e.g. 72h) or businessDays, not both' });
  }
  const fractions = clock.reminders.map((reminder) => (typeof reminder === 'number' ? reminder : reminder.at));
  if (fractions.some((fraction, index) => index > 0 && fraction <= fractions[index - 1]!)) {
    ctx.addIssue({ code: 'custom', path: ['reminders'], message: 'reminders are fractions of the time in increasing order, e.g. [0.5, 0.75, 0.9]' });
  }
}));

const ChoiceCondition = z.strictObject({
  /** True when the incident's severity is one of these. */
  severity: z.optional(z.array(Severity).check(z.minLength(1))),
  /** A field of the runbook input, compared with equals / oneOf, or tested with present. */
  field: z.optional(InputField),
  equals: z.optional(z.string()),
  oneOf: z.optional(z.array(z.string()).check(z.minLength(1))),
  present: z.optional(z.boolean()),
}).check(z.superRefine((when, ctx) => {
  const tests = [when.equals, when.oneOf, when.present].filter((test) => test !== undefined).length;
  if (when.severity !== undefined) {
    if (when.field !== undefined || tests > 0) ctx.addIssue({ code: 'custom', message: 'test either severity or a field, not both' });
  } else if (when.field === undefined || tests !== 1) {
    ctx.addIssue({ code: 'custom', message: 'name severity: [...], or a field with exactly one of equals, oneOf, present' });
  }
}));

/**
 * Branch step lists, typed `unknown[]` here so that inference does not chase its own tail; the
 * RunbookStep type below states what they hold.
 */
const NestedSteps = z.lazy((): z.ZodMiniType<unknown[], unknown> => StepList);
/** A branch: steps to run (then carry on after the branching step), or the id of a later step to jump to. */
const Branch = z.union([NestedSteps, StepId]);

const ApprovalStep = z.strictObject({
  ...HumanStepBase,
  type: z.literal('approval'),
  /** Who may decide: members of these roles, and these principals. */
  approvers: z.strictObject({ roles: z.optional(z.array(RoleName).check(z.minLength(1))), principals: z.optional(z.array(ApproverPrincipal).check(z.minLength(1))) }).check(z.refine((approvers) => approvers.roles !== undefined || approvers.principals !== undefined, { message: 'name approver roles, principals or both' })),
  approved: z._default(Branch, []),
  rejected: z._default(Branch, []),
});

const ChoiceStep = z.strictObject({
  ...StepBase,
  type: z.literal('choice'),
  choices: z.array(z.strictObject({ when: ChoiceCondition, steps: NestedSteps })).check(z.minLength(1)),
  otherwise: z._default(NestedSteps, []),
});

const ParallelStep = z.strictObject({
  ...StepBase,
  type: z.literal('parallel'),
  branches: z.array(z.strictObject({ title: z.optional(z.string().check(z.minLength(1))), steps: NestedSteps.check(z.minLength(1, 'a branch needs at least one step')) })).check(z.minLength(2, 'a parallel step has at least two branches')),
});

export type ActionStep = z.infer<typeof ActionStep>;
export type NotifyStep = z.infer<typeof NotifyStep>;
export type TaskStep = z.infer<typeof TaskStep>;
export type ClockStep = z.infer<typeof ClockStep>;
export type ChoiceCondition = z.infer<typeof ChoiceCondition>;
export type Escalation = z.infer<typeof Escalation>;
export type OnExhausted = z.infer<typeof OnExhausted>;

/** Written out because the step kinds refer to one another (branches hold steps). */
export type ApprovalStep = Omit<z.infer<typeof ApprovalStep>, 'approved' | 'rejected'> & {
  approved: RunbookStep[] | string;
  rejected: RunbookStep[] | string;
};
export type ChoiceStep = Omit<z.infer<typeof ChoiceStep>, 'choices' | 'otherwise'> & {
  choices: Array<{ when: ChoiceCondition; steps: RunbookStep[] }>;
  otherwise: RunbookStep[];
};
export type ParallelStep = Omit<z.infer<typeof ParallelStep>, 'branches'> & {
  branches: Array<{ title?: string | undefined; steps: RunbookStep[] }>;
};
export type RunbookStep = ActionStep | NotifyStep | TaskStep | ApprovalStep | ClockStep | ChoiceStep | ParallelStep;
export type HumanStep = TaskStep | ApprovalStep;

export const RunbookStep: z.ZodMiniType<RunbookStep, unknown> = z.discriminatedUnion('type', [
  ActionStep,
  NotifyStep,
  TaskStep,
  ApprovalStep,
  ClockStep,
  ChoiceStep,
  ParallelStep,
]).clone().register(z.globalRegistry, { id: 'RunbookStep' }) as unknown as z.ZodMiniType<RunbookStep, unknown>;
const StepList: z.ZodMiniType<RunbookStep[], unknown> = z.array(RunbookStep);

export const Runbook = z.strictObject({
  $schema: z.optional(z.string()),
  id: z.string().check(z.regex(RUNBOOK_ID_PATTERN, 'a runbook id is lower-case letters, digits and dashes')),
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  version: z.number().check(z.int(), z.positive()),
  defaultSeverity: Severity,
  description: z.optional(z.string()),
  /** The controls whose operation a run evidences, e.g. SOC 2 CC7.4, ISO/IEC 27001 A.5.26. */
  controls: z._default(z.array(ControlReference), []),
  /** The roles this runbook involves and what each does in it; when given, steps may name only these. */
  roles: z.optional(z.partialRecord(RoleName, z.string().check(z.minLength(1)))),
  steps: StepList.check(z.minLength(1, 'a runbook needs at least one step')),
}).check(z.superRefine((runbook, ctx) => validateStructure(runbook as Runbook, ctx)));
export type Runbook = Omit<z.infer<typeof Runbook>, 'steps'> & { steps: RunbookStep[] };

type Path = Array<string | number>;

/** Every step of a list and of all the branches inside it, with its path from the runbook's root. */
export function* walkSteps(steps: readonly RunbookStep[], path: Path = ['steps']): Generator<{ step: RunbookStep; path: Path; list: readonly RunbookStep[]; index: number }> {
  for (const [index, step] of steps.entries()) {
    const here = [...path, index];
    yield { step, path: here, list: steps, index };
    for (const { steps: children, path: childPath } of childLists(step, here)) yield* walkSteps(children, childPath);
  }
}

/** The step lists a branching step holds. */
export function childLists(step: RunbookStep, path: Path = []): Array<{ steps: RunbookStep[]; path: Path }> {
  switch (step.type) {
    case 'approval':
      return (['approved', 'rejected'] as const).flatMap((branch) => (Array.isArray(step[branch]) ? [{ steps: step[branch], path: [...path, branch] }] : []));
    case 'choice':
      return [...step.choices.map((choice, index) => ({ steps: choice.steps, path: [...path, 'choices', index, 'steps'] })), { steps: step.otherwise, path: [...path, 'otherwise'] }];
    case 'parallel':
      return step.branches.map((branch, index) => ({ steps: branch.steps, path: [...path, 'branches', index, 'steps'] }));
    default:
      return [];
  }
}

export const metStepIds = (clock: ClockStep): string[] => (clock.met === undefined ? [] : typeof clock.met === 'string' ? [clock.met] : clock.met);

/** Roles a step names. */
function rolesNamed(step: RunbookStep): Array<{ role: RoleName; path: Path }> {
  switch (step.type) {
    case 'notify':
      return (step.to.roles ?? []).map((role, index) => ({ role, path: ['to', 'roles', index] }));
    case 'task':
    case 'approval': {
      const named = step.type === 'task' ? [{ role: step.assignee, path: ['assignee'] as Path }] : (step.approvers.roles ?? []).map((role, index) => ({ role, path: ['approvers', 'roles', index] as Path }));
      step.escalation.levels.forEach((level, levelIndex) => level.notify.forEach((role, index) => named.push({ role, path: ['escalation', 'levels', levelIndex, 'notify', index] })));
      return named;
    }
    case 'clock': {
      const named = step.notify.map((role, index) => ({ role, path: ['notify', index] as Path }));
      step.reminders.forEach((reminder, reminderIndex) => {
        if (typeof reminder !== 'number') (reminder.notify ?? []).forEach((role, index) => named.push({ role, path: ['reminders', reminderIndex, 'notify', index] }));
      });
      return named;
    }
    default:
      return [];
  }
}

/** Rules across steps: unique ids, declared roles, forward-only jumps, clocks met by steps they run beside. */
function validateStructure(runbook: Runbook, ctx: z.core.$RefinementCtx): void {
  const seen = new Map<string, Path>();
  for (const { step, path, list, index } of walkSteps(runbook.steps)) {
    if (seen.has(step.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `step id "${step.id}" is used twice` });
    else seen.set(step.id, path);

    if (runbook.roles) {
      for (const { role, path: rolePath } of rolesNamed(step)) {
        if (!(role in runbook.roles)) ctx.addIssue({ code: 'custom', path: [...path, ...rolePath], message: `role "${role}" is not declared in this runbook's roles` });
      }
    }

    if (step.type === 'approval') {
      for (const branch of ['approved', 'rejected'] as const) {
        const target = step[branch];
        if (typeof target !== 'string') continue;
        const targetIndex = list.findIndex((sibling) => sibling.id === target);
        if (targetIndex <= index) {
          ctx.addIssue({ code: 'custom', path: [...path, branch], message: `"${target}" must be the id of a later step in the same list as this approval (jumps go forward only)` });
        } else if (list.slice(index + 1, targetIndex).some((between) => between.type === 'clock')) {
          // The steps after a clock run inside its Parallel branch, which a jump from outside cannot enter.
          ctx.addIssue({ code: 'custom', path: [...path, branch], message: `"${target}" lies beyond a clock step; jump to a step before the clock, or move the clock` });
        }
      }
    }
    if (step.type === 'approval' && step.requires === 'authenticated' && step.approvers.roles === undefined && (step.approvers.principals ?? []).every((principal) => principal.startsWith('email:'))) {
      ctx.addIssue({ code: 'custom', path: [...path, 'requires'], message: 'an approval that requires an authenticated identity needs approver roles or IAM principals: email: approvers can only decide by link' });
    }
    if (step.type === 'task' && step.escalation.onExhausted === 'auto-reject') {
      ctx.addIssue({ code: 'custom', path: [...path, 'escalation', 'onExhausted'], message: 'auto-reject is for approvals; a task can fail or continue' });
    }

    if (step.type === 'clock') {
      if (index === list.length - 1) {
        ctx.addIssue({ code: 'custom', path, message: 'a clock runs beside the steps that follow it in its list; put it before them' });
      }
      const following = [...walkSteps(list.slice(index + 1))].map(({ step: later }) => later.id);
      metStepIds(step).forEach((metId, metIndex) => {
        if (!following.includes(metId)) {
          const metPath = typeof step.met === 'string' ? ['met'] : ['met', metIndex];
          ctx.addIssue({ code: 'custom', path: [...path, ...metPath], message: `"${metId}" must be a step that follows this clock in the same list (or inside the steps after it)` });
        }
      });
    }
  }
}
