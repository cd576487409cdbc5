import * as z from './zod.js';
import { RoleName } from './config-schema.js';
import { CalendarName, type BusinessCalendar } from './business-calendars.js';
import { addBusinessDays } from './business-days.js';
import { Severity } from './incident.js';
import { StepContext } from './runbook-step.js';

/*
 * Deadlines that run beside a runbook's steps (GDPR's 72 hours, an SLA's one hour, ...).
 *
 * The clock's state machine branch waits from stage to stage (each reminder, then the deadline), with
 * Wait states whose SecondsPath the TrackClock handler computes as
 *
 *     next wait = next stage's time − max(this stage's planned time, now)
 *
 * i.e. the planned interval, shortened by however late this wake-up was. On AWS that lands every stage
 * on its planned instant (handler run time and retries do not accumulate); under the local stack's time
 * scale, where real time lags workflow time, it is the planned interval exactly, so reminders, deadline
 * and the steps' own timeouts keep their order and proportions.
 *
 * Whether a clock was met or missed is settled by one conditional write on its CLOCK# item
 * (running → met, or running → missed): whichever of "the step completed" and "the deadline passed"
 * happens first in the run wins, with no comparison of wall-clock times.
 */

export const ClockAnchor = z.enum(['awareAt', 'detectedAt', 'openedAt', 'reached']);
export type ClockAnchor = z.infer<typeof ClockAnchor>;
export const ClockKind = z.enum(['regulatory', 'sla']);
/** The field of TrackClock's `clock missed` log line that carries the missed clock's kind (the alarms' metric filters read it). */
export const CLOCK_MISSED_KIND_FIELD = 'clockMissedKind';
export type ClockKind = z.infer<typeof ClockKind>;
export const ClockStatus = z.enum(['running', 'met', 'missed', 'stopped', 'not-applicable']);
export type ClockStatus = z.infer<typeof ClockStatus>;

/** A clock step as the compiler hands it to TrackClock. */
export const ClockDefinition = z.object({
  title: z.string().check(z.minLength(1)),
  obligation: z.optional(z.string()),
  from: ClockAnchor,
  durationSeconds: z.optional(z.number().check(z.int(), z.positive())),
  businessDays: z.optional(z.number().check(z.int(), z.positive())),
  /** Whose business days (config businessCalendars); the team's when absent. */
  calendar: z.optional(CalendarName),
  reminders: z.array(z.object({ at: z.number().check(z.gt(0), z.lt(1)), notify: z.array(RoleName).check(z.minLength(1)) })),
  notify: z.array(RoleName).check(z.minLength(1)),
  metBy: z.array(z.string()),
  appliesTo: z.optional(z.array(Severity)),
  kind: ClockKind,
});
export type ClockDefinition = z.infer<typeof ClockDefinition>;

const ClockStage = z.object({
  kind: z.enum(['reminder', 'deadline']),
  /** When it is due. */
  at: z.iso.datetime({ offset: true }),
  /** Reminders: the fraction of the time elapsed at this stage. */
  fraction: z.optional(z.number()),
  /** A reminder already due when the clock started (its anchor lies in the past): not sent. */
  skip: z.boolean(),
  notify: z.array(RoleName),
});
export type ClockStage = z.infer<typeof ClockStage>;

/** What the clock branch carries from stage to stage. */
export const ClockPlan = z.object({
  clockId: z.string(),
  title: z.string(),
  kind: ClockKind,
  /** False when the clock does not apply to this incident (e.g. its severity): the branch ends at once. */
  armed: z.boolean(),
  /** False once met, missed or stopped: the branch ends at its next wake-up. */
  running: z.boolean(),
  /** The anchor field actually used (awareAt falls back to detectedAt, then openedAt). */
  anchor: ClockAnchor,
  anchorAt: z.iso.datetime({ offset: true }),
  deadlineAt: z.iso.datetime({ offset: true }),
  stages: z.array(ClockStage),
  nextWaitSeconds: z.number().check(z.int(), z.gte(0)),
});
export type ClockPlan = z.infer<typeof ClockPlan>;

/** What a clock.started event says, whichever way the clock started (its branch, or a raise of the severity). */
export function clockStartedDetail(clock: Pick<ClockDefinition, 'title' | 'obligation' | 'kind'>, plan: ClockPlan, metBy: readonly string[]): Record<string, unknown> {
  return {
    clockId: plan.clockId,
    title: clock.title,
    ...(clock.obligation !== undefined && { obligation: clock.obligation }),
    kind: clock.kind,
    anchor: plan.anchor,
    anchorAt: plan.anchorAt,
    deadlineAt: plan.deadlineAt,
    reminders: plan.stages.filter((stage) => stage.kind === 'reminder').map((stage) => ({ at: stage.at, skipped: stage.skip })),
    metBy,
  };
}

const RunbookInput = z.record(z.string(), z.unknown());

export const TrackClockPayload = z.discriminatedUnion('action', [
  z.extend(StepContext, { action: z.literal('start'), clock: ClockDefinition, input: RunbookInput }),
  z.extend(StepContext, { action: z.literal('remind'), reminder: z.number().check(z.int(), z.positive()), plan: ClockPlan, input: RunbookInput }),
  z.extend(StepContext, { action: z.literal('deadline'), plan: ClockPlan, input: RunbookInput }),
  /** stepId is the step that met it. */
  /** kind and title: absent in executions started before they were passed (such a clock met early was stored as regulatory). */
  z.extend(StepContext, { action: z.literal('met'), clockId: z.string().check(z.minLength(1)), kind: z.optional(ClockKind), title: z.optional(z.string().check(z.minLength(1))) }),
  /** A clock not applicable at the start waits (on this token) for a raise of the severity to one it applies to. */
  z.extend(StepContext, { action: z.literal('await-raise'), clockId: z.string().check(z.minLength(1)), taskToken: z.string().check(z.minLength(1)) }),
  /** The steps beside the clock finished (or failed) first: it stops without a verdict. */
  z.extend(StepContext, { action: z.literal('stop'), clockId: z.string().check(z.minLength(1)), reason: z.enum(['steps-finished', 'runbook-failed']) }),
]);
export type TrackClockPayload = z.infer<typeof TrackClockPayload>;

/** The CLOCK# item. */
export interface ClockRecord {
  readonly clockId: string;
  readonly incidentId: string;
  readonly executionArn: string;
  readonly title: string;
  readonly obligation?: string;
  readonly kind: z.infer<typeof ClockKind>;
  readonly status: ClockStatus;
  readonly anchor?: ClockAnchor;
  readonly anchorAt?: string;
  readonly deadlineAt?: string;
  readonly startedAt?: string;
  readonly metBy?: string;
  readonly metAt?: string;
  readonly missedAt?: string;
  readonly stoppedAt?: string;
  readonly updatedAt: string;
  /** A clock not applicable at the start keeps its definition, so that a raised severity can start it. */
  readonly definition?: ClockDefinition;
  /** Started by a raise of the incident's severity, not at the run's start. */
  readonly armedBy?: { readonly from: string; readonly to: string; readonly at: string };
  /** The plan a raise started it with (the waiting branch carries on with it). */
  readonly armedPlan?: ClockPlan;
}

/** The time a clock counts from, and which field gave it: awareAt → detectedAt → openedAt. */
export function clockAnchor(
  from: ClockAnchor,
  incident: { readonly awareAt?: string | undefined; readonly detectedAt?: string | undefined; readonly openedAt: string },
  now: Date,
): { anchor: ClockAnchor; at: Date } {
  if (from === 'reached') return { anchor: 'reached', at: now };
  const order: Array<'awareAt' | 'detectedAt' | 'openedAt'> = ['awareAt', 'detectedAt', 'openedAt'];
  for (const field of order.slice(order.indexOf(from))) {
    const value = incident[field];
    if (value) return { anchor: field, at: new Date(value) };
  }
  return { anchor: 'openedAt', at: new Date(incident.openedAt) };
}

export function clockDeadline(definition: Pick<ClockDefinition, 'durationSeconds' | 'businessDays'>, anchorAt: Date, calendar: BusinessCalendar): Date {
  if (definition.businessDays !== undefined) return addBusinessDays(anchorAt, definition.businessDays, calendar);
  return new Date(anchorAt.getTime() + (definition.durationSeconds ?? 0) * 1000);
}

const secondsUntil = (at: string, from: number): number => Math.max(0, Math.ceil((Date.parse(at) - from) / 1000));

/** The stages of a clock that starts now from its anchor; the first wait runs until the first stage. */
export function planClock(
  clockId: string,
  definition: ClockDefinition,
  anchor: { anchor: ClockAnchor; at: Date },
  now: Date,
  armed: boolean,
  calendar: BusinessCalendar,
): ClockPlan {
  const deadline = clockDeadline(definition, anchor.at, calendar);
  const span = deadline.getTime() - anchor.at.getTime();
  const stages: ClockStage[] = definition.reminders.map((reminder) => {
    const at = new Date(anchor.at.getTime() + Math.round(span * reminder.at));
    return { kind: 'reminder', at: at.toISOString(), fraction: reminder.at, skip: at.getTime() <= now.getTime(), notify: reminder.notify };
  });
  stages.push({ kind: 'deadline', at: deadline.toISOString(), skip: false, notify: definition.notify });
  return {
    clockId,
    title: definition.title,
    kind: definition.kind,
    armed,
    running: armed,
    anchor: anchor.anchor,
    anchorAt: anchor.at.toISOString(),
    deadlineAt: deadline.toISOString(),
    stages,
    nextWaitSeconds: secondsUntil(stages[0]!.at, now.getTime()),
  };
}

/** The plan after stage `index` (0-based) has been handled: the wait to the next stage, shortened by any lateness. */
export function afterStage(plan: ClockPlan, index: number, now: Date, running: boolean): ClockPlan {
  const current = plan.stages[index];
  const next = plan.stages[index + 1];
  const from = Math.max(current ? Date.parse(current.at) : now.getTime(), now.getTime());
  return { ...plan, running, nextWaitSeconds: next ? secondsUntil(next.at, from) : 0 };
}
