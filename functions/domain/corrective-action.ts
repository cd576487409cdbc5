import * as z from './zod.js';
import type { IrdrConfig } from './config-schema.js';
import type { Incident } from './incident.js';
import { multiLine, singleLine } from './plain-text.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * Corrective actions: what a post-incident review decides to change, each with an owner, a due date and its
 * incident, tracked to closure with evidence (SOC 2 CC7.4–CC7.5, ISO/IEC 27001 A.5.26–A.5.27). Each is an
 * ACTION#<actionId> item of the incident's partition; every change is also a trail event, which the export reads.
 */

/** An action's id: `ca-` and 8 hex digits, random (see newActionId). */
export const ACTION_ID_SOURCE = 'ca-[0-9a-f]{8}';
export const newActionId = (randomHex: string): string => `ca-${randomHex.slice(0, 8).toLowerCase()}`;

/** The latest an action may fall due: the reminder execution must outlive it (Step Functions keeps one a year at most). */
export const MAX_DUE_DAYS = 180;
/** The owner is reminded this long before the due time (or halfway there, when the action is due sooner than twice this). */
export const REMINDER_LEAD_SECONDS = 3 * 24 * 3600;

const DAY_MS = 86_400_000;

/**
 * A due date as written: a date (due at the end of that day, UTC) or a time with its offset. Checked as a real
 * calendar date, so 2026-02-30 is refused rather than rolled into March.
 */
const DueDate = z.string().check(z.trim(), z.refine((text) => dueInstant(text) !== undefined, {
  message: 'dueAt is a date (YYYY-MM-DD, due at the end of that day UTC) or a time with its offset (2026-12-31T17:00:00Z), and a real one',
}));

/** The instant a due date stands for, or undefined when it is not a real date or time. */
export function dueInstant(text: string): Date | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const end = new Date(Date.UTC(year, month - 1, day, 23, 59, 59));
    return end.getUTCFullYear() === year && end.getUTCMonth() === month - 1 && end.getUTCDate() === day ? end : undefined;
  }
  const parsed = z.iso.datetime({ offset: true }).safeParse(text);
  if (!parsed.success) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** POST /incidents/{incidentId}/actions. */
export const CorrectiveActionRequest = z.strictObject({
  title: z.string().check(z.trim(), z.minLength(1, 'say what is to change, in a title'), z.maxLength(200, 'a title is at most 200 characters'), singleLine),
  detail: z.optional(z.string().check(z.trim(), z.maxLength(4000, 'the detail is at most 4000 characters'), multiLine)),
  /** The owner's address: one of the configured people of a role, who is reminded and may close it. */
  owner: z.email({ error: 'owner is the email address of one of the people in config roles.<role>.people' }).check(z.maxLength(254)),
  /** The IAM principal the owner signs in as, if they are to close it themselves (else a commander closes it). */
  ownerPrincipal: z.optional(z.string().check(z.trim(), z.regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/-]{1,512}$/, 'ownerPrincipal is an IAM or STS ARN (arn:aws:iam::123456789012:user/rita)'))),
  dueAt: DueDate,
});
export type CorrectiveActionRequest = z.infer<typeof CorrectiveActionRequest>;

/** POST /incidents/{incidentId}/actions/{actionId}/close: the evidence it was done, a note or a link or both. */
export const CloseActionRequest = z.strictObject({
  note: z.optional(z.string().check(z.trim(), z.minLength(1, 'a note, if given, needs some text'), z.maxLength(4000, 'a note is at most 4000 characters'), multiLine)),
  link: z.optional(z
    .url({ protocol: /^https$/, error: 'link is an https:// URL (the change, ticket or document that shows it done)' }).check(z.maxLength(2000, 'a link is at most 2000 characters'))),
}).check(z.refine((request) => request.note !== undefined || request.link !== undefined, {
  message: 'closing needs evidence it was done: a note, a link (https://…), or both',
  path: ['note'],
}));
export type CloseActionRequest = z.infer<typeof CloseActionRequest>;

/** POST /incidents/{incidentId}/review: what the review found (one record; a later one replaces it in the draft). */
export const ReviewFindingsRequest = z.strictObject({
  rootCause: z.string().check(z.trim(), z.minLength(1, 'say what the root cause was'), z.maxLength(4000), multiLine),
  wentWell: z._default(z.string().check(z.trim(), z.maxLength(4000), multiLine), ''),
  wentBadly: z._default(z.string().check(z.trim(), z.maxLength(4000), multiLine), ''),
  /** Why the review decided on no corrective action: the only way a SEV1/SEV2 review completes without one. */
  noCorrectiveActionReason: z.optional(z.string().check(z.trim(), z.minLength(1, 'a reason, if given, needs some text'), z.maxLength(2000), multiLine)),
});
export type ReviewFindingsRequest = z.infer<typeof ReviewFindingsRequest>;

export const REVIEW_RECORDED_EVENT = 'review.recorded';

export interface ActionOwner {
  readonly email: string;
  readonly name?: string;
  readonly principal?: string;
}

export interface CorrectiveActionRecord {
  readonly actionId: string;
  readonly incidentId: string;
  readonly title: string;
  readonly detail?: string;
  readonly owner: ActionOwner;
  readonly dueAt: string;
  readonly remindAt: string;
  readonly status: 'open' | 'closed';
  readonly createdAt: string;
  readonly createdBy: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  readonly evidence?: { readonly note?: string; readonly link?: string };
  readonly remindedAt?: string;
  readonly overdueAt?: string;
}

export type Refusal = { readonly ok: false; readonly status: 400 | 403 | 404 | 409; readonly message: string };

/** The configured person with this address (any role), or undefined. */
export function configuredPerson(address: string, config: Pick<IrdrConfig, 'roles'>): { name: string; email: string } | undefined {
  const wanted = address.toLowerCase();
  for (const contacts of Object.values(config.roles)) {
    const person = contacts?.people.find((candidate) => candidate.email.toLowerCase() === wanted);
    if (person) return person;
  }
  return undefined;
}

/** When the owner is reminded: REMINDER_LEAD_SECONDS before due, or halfway from now when it is due sooner. */
export function reminderTime(createdAt: Date, dueAt: Date): Date {
  const lead = Math.min(REMINDER_LEAD_SECONDS * 1000, (dueAt.getTime() - createdAt.getTime()) / 2);
  return new Date(dueAt.getTime() - lead);
}

/**
 * The new action, or why not: the incident must be resolved or closed (the review decides actions), the owner one
 * of the configured people, the due date in the future and within MAX_DUE_DAYS.
 */
export function newCorrectiveAction(
  incident: Pick<Incident, 'incidentId' | 'status'>,
  request: CorrectiveActionRequest,
  context: { readonly actionId: string; readonly actor: string; readonly now: Date; readonly config: Pick<IrdrConfig, 'roles'> },
): { readonly ok: true; readonly action: CorrectiveActionRecord } | Refusal {
  const due = dueInstant(request.dueAt);
  if (!due) return { ok: false, status: 400, message: `dueAt "${request.dueAt}" is not a real date or time` };
  if (due.getTime() <= context.now.getTime()) {
    return { ok: false, status: 400, message: `dueAt ${due.toISOString()} is in the past: give a date after ${context.now.toISOString().slice(0, 10)}` };
  }
  if (due.getTime() > context.now.getTime() + MAX_DUE_DAYS * DAY_MS) {
    return { ok: false, status: 400, message: `dueAt ${due.toISOString()} is more than ${MAX_DUE_DAYS} days away: split the action, or set a nearer milestone` };
  }
  const person = configuredPerson(request.owner, context.config);
  if (!person) {
    return { ok: false, status: 400, message: `owner ${request.owner} is not one of the configured people: name someone in config roles.<role>.people` };
  }
  const createdAt = context.now.toISOString();
  return {
    ok: true,
    action: {
      actionId: context.actionId,
      incidentId: incident.incidentId,
      title: request.title,
      ...(request.detail !== undefined && request.detail !== '' && { detail: request.detail }),
      owner: { email: person.email, name: person.name, ...(request.ownerPrincipal !== undefined && { principal: request.ownerPrincipal }) },
      dueAt: due.toISOString(),
      remindAt: reminderTime(context.now, due).toISOString(),
      status: 'open',
      createdAt,
      createdBy: context.actor,
    },
  };
}

/** Whether a caller is the owner, by the principal the owner was given (compared as the same identity, see actingIdentity). */
export type SameIdentity = (a: string, b: string) => boolean;

/** Why this caller may not close this action (403, 409), or undefined: only its owner or a commander, and only once. */
export function closeRefusal(
  action: CorrectiveActionRecord,
  caller: { readonly arn: string; readonly roles: readonly string[] },
  sameIdentity: SameIdentity,
): Refusal | undefined {
  if (action.status === 'closed') {
    return { ok: false, status: 409, message: `corrective action ${action.actionId} was closed already (by ${action.closedBy ?? 'someone'} at ${action.closedAt ?? '?'}); a closed action stays closed: open a new one` };
  }
  const isOwner = action.owner.principal !== undefined && sameIdentity(caller.arn, action.owner.principal);
  if (isOwner || caller.roles.includes('commander')) return undefined;
  const owner = action.owner.principal !== undefined ? `its owner (${action.owner.principal})` : `its owner (who was given no ownerPrincipal, so cannot close it through the API)`;
  return { ok: false, status: 403, message: `closing corrective action ${action.actionId} needs ${owner} or the role commander; ${caller.arn} is neither` };
}

/** Where an action stands at `now`: closed, overdue (open past its due time, or recorded overdue by its reminder) or open. */
export function actionState(action: Pick<CorrectiveActionRecord, 'status' | 'dueAt' | 'overdueAt'>, now: Date): 'open' | 'overdue' | 'closed' {
  if (action.status === 'closed') return 'closed';
  return action.overdueAt !== undefined || Date.parse(action.dueAt) < now.getTime() ? 'overdue' : 'open';
}

/** The severities whose review needs a corrective action or a recorded reason for none. */
export const SEVERITIES_NEEDING_ACTIONS: ReadonlySet<string> = new Set(['SEV1', 'SEV2']);

/** The rule a review completed without actions breaks, as the 409 and the docs name it. */
export const CORRECTIVE_ACTION_RULE = 'corrective actions before review completion (SOC 2 CC7.5, ISO/IEC 27001 A.5.27)';

/** Why the review of this incident cannot be completed yet, or undefined. */
export function reviewCompletionBlocker(
  incident: Pick<Incident, 'incidentId' | 'severity'>,
  actionCount: number,
  noCorrectiveActionReason: string | undefined,
): string | undefined {
  if (!SEVERITIES_NEEDING_ACTIONS.has(incident.severity) || actionCount > 0 || noCorrectiveActionReason !== undefined) return undefined;
  return (
    `${CORRECTIVE_ACTION_RULE}: a ${incident.severity} review is complete only with at least one corrective action ` +
    `(POST /incidents/${incident.incidentId}/actions, irdr incidents actions add) or a recorded reason for none ` +
    `(POST /incidents/${incident.incidentId}/review with noCorrectiveActionReason)`
  );
}

/** The reason for no action the latest review record gives, from the trail (the last review.recorded wins). */
export function noActionReasonOf(events: readonly Pick<TrailEventBody, 'type' | 'detail'>[]): string | undefined {
  const latest = events.filter((event) => event.type === REVIEW_RECORDED_EVENT).at(-1);
  const reason = latest?.detail?.noCorrectiveActionReason;
  return typeof reason === 'string' && reason !== '' ? reason : undefined;
}

/** The trail event of a new action: everything the export lists about it. */
export function actionCreatedEvent(action: CorrectiveActionRecord): TrailEventBody {
  return {
    type: 'action.created',
    at: action.createdAt,
    actor: action.createdBy,
    detail: {
      actionId: action.actionId,
      title: action.title,
      ...(action.detail !== undefined && { detail: action.detail }),
      owner: action.owner.email,
      ...(action.owner.principal !== undefined && { ownerPrincipal: action.owner.principal }),
      dueAt: action.dueAt,
      remindAt: action.remindAt,
    },
  };
}

/** The trail event of a closed action: late when closed after its due time, or after its reminder recorded it overdue. */
export function actionClosedEvent(action: Pick<CorrectiveActionRecord, 'actionId' | 'title' | 'dueAt' | 'overdueAt'>, closedAt: string, closedBy: string, evidence: CloseActionRequest): TrailEventBody {
  const late = action.overdueAt !== undefined || Date.parse(closedAt) > Date.parse(action.dueAt);
  return {
    type: 'action.closed',
    at: closedAt,
    actor: closedBy,
    detail: { actionId: action.actionId, title: action.title, dueAt: action.dueAt, late, evidence: { ...evidence } },
  };
}

/** What the reminder records: `action.reminder-sent` before due, `action.overdue` (escalated to the commanders) after. */
export type ReminderPhase = 'due-soon' | 'overdue';
export const REMINDER_EVENT: Readonly<Record<ReminderPhase, string>> = { 'due-soon': 'action.reminded', overdue: 'action.overdue' };

export function actionReminderEvent(action: CorrectiveActionRecord, phase: ReminderPhase, at: string, actor: string, escalatedTo: readonly string[]): TrailEventBody {
  return {
    type: REMINDER_EVENT[phase],
    at,
    actor,
    detail: { actionId: action.actionId, title: action.title, owner: action.owner.email, dueAt: action.dueAt, ...(phase === 'overdue' && { escalatedTo: [...escalatedTo] }) },
  };
}

/** The public view of an action, with its state at `now`. */
export function actionView(action: CorrectiveActionRecord, now: Date): CorrectiveActionRecord & { readonly state: 'open' | 'overdue' | 'closed' } {
  return { ...action, state: actionState(action, now) };
}
