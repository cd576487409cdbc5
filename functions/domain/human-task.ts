import * as z from './zod.js';
import type { OnCallRecord } from './on-call/paged-people.js';
import { multiLine } from './plain-text.js';
import { RoleName, type IrdrConfig } from './config-schema.js';
import { principalMatches } from './roles.js';
import { StepContext } from './runbook-step.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * Human tasks: a runbook step waiting (.waitForTaskToken) for a person. The task token lives only in the
 * TASK# item; everything a person or an API caller sees is the public view below, which has no token.
 */

export const TaskKind = z.enum(['task', 'approval']);
export type TaskKind = z.infer<typeof TaskKind>;
export const TaskOutcome = z.enum(['done', 'approved', 'rejected']);
export type TaskOutcome = z.infer<typeof TaskOutcome>;
// cancelled: its incident was resolved while it was open, and its run stopped with it.
export const TaskStatus = z.enum(['open', 'completed', 'expired', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;
export const OnExhausted = z.enum(['fail', 'continue', 'auto-reject']);
export type OnExhausted = z.infer<typeof OnExhausted>;
/**
 * A lifecycle change of the incident that also completes the task: `acknowledgement` — acknowledging
 * the incident (POST /incidents/{id}/acknowledge) completes it, as the one who acknowledged;
 * `post-incident-review` — it is the same review as the lifecycle's review task (`review.post-incident`,
 * opened on resolve): completing either completes the other, as the same person with the same outcome.
 */
export const TaskCompletedBy = z.enum(['acknowledgement', 'post-incident-review']);
export type TaskCompletedBy = z.infer<typeof TaskCompletedBy>;
/**
 * What a decision needs beyond being allowed: `authenticated` — an authenticated identity (the API with SigV4, the
 * CLI; later Slack or the console), never an emailed link. The emails then carry no link, only what to run, and
 * the link handler refuses any link to it, however well signed (docs/approval-links.md).
 */
export const TaskRequirement = z.enum(['authenticated']);
export type TaskRequirement = z.infer<typeof TaskRequirement>;

/** The comment on a task completed by acknowledging the incident. */
export const ACKNOWLEDGED_THROUGH_INCIDENT = 'acknowledged through the incident';

/** The outcomes a person may choose for a kind of task. */
export function outcomesFor(kind: TaskKind): TaskOutcome[] {
  return kind === 'task' ? ['done'] : ['approved', 'rejected'];
}

const Approvers = z.object({ roles: z.optional(z.array(RoleName)), principals: z.optional(z.array(z.string())) });
export type Approvers = z.infer<typeof Approvers>;

/** The step's definition as the compiler hands it to CreateHumanTask. */
export const HumanTaskDefinition = z.object({
  kind: TaskKind,
  title: z.string().check(z.minLength(1)),
  instructions: z.optional(z.string()),
  assignee: z.optional(RoleName),
  approvers: z.optional(Approvers),
  /** Seconds the first recipients have before level 1. */
  deadlineSeconds: z.number().check(z.int(), z.positive()),
  levels: z.array(z.object({ level: z.number().check(z.int(), z.positive()), notify: z.array(RoleName).check(z.minLength(1)), afterSeconds: z.number().check(z.int(), z.positive()) })),
  onExhausted: OnExhausted,
  completedBy: z.optional(TaskCompletedBy),
  requires: z.optional(TaskRequirement),
});
export type HumanTaskDefinition = z.infer<typeof HumanTaskDefinition>;

const RunbookInput = z.record(z.string(), z.unknown());

export const CreateHumanTaskPayload = z.extend(StepContext, {
  taskToken: z.string().check(z.minLength(1)),
  task: HumanTaskDefinition,
  input: RunbookInput,
});
export type CreateHumanTaskPayload = z.infer<typeof CreateHumanTaskPayload>;

export const EscalateHumanTaskPayload = z.extend(StepContext, {
  taskToken: z.string().check(z.minLength(1)),
  level: z.number().check(z.int(), z.positive()),
  input: RunbookInput,
});
export type EscalateHumanTaskPayload = z.infer<typeof EscalateHumanTaskPayload>;

export const ExpireHumanTaskPayload = z.extend(StepContext, { onExhausted: OnExhausted });
export type ExpireHumanTaskPayload = z.infer<typeof ExpireHumanTaskPayload>;

/** Someone an email about the task went to. Links name recipients by their index in this list. */
export interface TaskRecipient {
  readonly address: string;
  /** The person's name, for one of a role's configured people (a list address has none). */
  readonly name?: string;
  /** The role they were emailed as (undefined for an allow-listed `email:` approver). */
  readonly role?: RoleName;
  readonly level: number;
  /** Whether they may complete the task (and so got a link that can). */
  readonly mayComplete: boolean;
  /** Who was on call in their role when they were paged, when the role has a schedule (recorded with the send). */
  readonly onCall?: OnCallRecord;
}

export interface TaskDecision {
  readonly outcome: TaskOutcome;
  /** An IAM principal ARN, or `email:<address>` for a decision made through an emailed link (the holder of that person's link). */
  readonly decidedBy: string;
  /** The name of the person whose link decided it, as configured. */
  readonly decidedByName?: string;
  readonly comment: string;
  /** A report stage's submission: the regulator's reference for it. */
  readonly reference?: string;
  readonly decidedAt: string;
  /**
   * `incident-acknowledgement`: completed by acknowledging the incident (a task marked completedBy: acknowledgement).
   * `post-incident-review`: completed with the other task of the same post-incident review (the lifecycle's
   * `review.post-incident` and a runbook task marked completedBy: post-incident-review), named in `through`.
   */
  readonly via: 'api' | 'email-link' | 'slack' | 'incident-acknowledgement' | 'post-incident-review';
  /** For a decision carried over from another task (via post-incident-review): that task's id. */
  readonly through?: string;
}

/** The TASK# item, token included: never returned as it is (see publicTaskView). */
export interface HumanTaskRecord {
  readonly taskId: string;
  readonly incidentId: string;
  readonly stepId: string;
  readonly executionArn: string;
  readonly kind: TaskKind;
  readonly title: string;
  readonly instructions?: string;
  readonly assignee?: RoleName;
  readonly approvers?: Approvers;
  readonly outcomes: readonly TaskOutcome[];
  readonly status: TaskStatus;
  /** 0 until the first escalation. */
  readonly level: number;
  readonly levels: HumanTaskDefinition['levels'];
  readonly deadlineSeconds: number;
  readonly onExhausted: OnExhausted;
  /** Also completed by this change of the incident's lifecycle. */
  readonly completedBy?: TaskCompletedBy;
  /** `authenticated`: decided only by an authenticated identity, never by an emailed link. */
  readonly requires?: TaskRequirement;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the current level began, and how long it waits before the next. */
  readonly levelStartedAt: string;
  readonly levelSeconds: number;
  readonly recipients: readonly TaskRecipient[];
  readonly decision?: TaskDecision;
  readonly expiredAt?: string;
  /** When resolving its incident closed it while it was open, and why. */
  readonly cancelledAt?: string;
  readonly cancelReason?: string;
  /** The current `.waitForTaskToken` token; replaced on each escalation. None when no run waits (the post-incident review). */
  readonly taskToken?: string;
  /** When it is due, for a task no run waits on (the post-incident review). */
  readonly dueAt?: string;
  /** When its assignees were reminded that it is overdue (once; the post-incident review), or before it is due (a report stage). */
  readonly remindedAt?: string;
  /** A report stage: when it was recorded overdue and escalated (once). */
  readonly overdueAt?: string;
}

/** A task as the API shows it: everything but the token and the recipients' link details. */
export type PublicHumanTask = Pick<
  HumanTaskRecord,
  | 'taskId'
  | 'stepId'
  | 'kind'
  | 'title'
  | 'instructions'
  | 'assignee'
  | 'approvers'
  | 'outcomes'
  | 'completedBy'
  | 'requires'
  | 'status'
  | 'level'
  | 'createdAt'
  | 'updatedAt'
  | 'levelStartedAt'
  | 'levelSeconds'
  | 'decision'
  | 'expiredAt'
  | 'cancelledAt'
  | 'cancelReason'
  | 'dueAt'
  | 'remindedAt'
> & {
  readonly levelCount: number;
  readonly notified: ReadonlyArray<{ address: string; level: number }>;
};

/** Picks fields one by one (never a spread), so a field added to the record cannot leak by accident. */
export function publicTaskView(task: HumanTaskRecord): PublicHumanTask {
  return {
    taskId: task.taskId,
    stepId: task.stepId,
    kind: task.kind,
    title: task.title,
    ...(task.instructions !== undefined && { instructions: task.instructions }),
    ...(task.assignee !== undefined && { assignee: task.assignee }),
    ...(task.approvers !== undefined && { approvers: task.approvers }),
    outcomes: task.outcomes,
    ...(task.completedBy !== undefined && { completedBy: task.completedBy }),
    ...(task.requires !== undefined && { requires: task.requires }),
    status: task.status,
    level: task.level,
    levelCount: task.levels.length,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    levelStartedAt: task.levelStartedAt,
    levelSeconds: task.levelSeconds,
    notified: task.recipients.map((recipient) => ({ address: recipient.address, level: recipient.level })),
    ...(task.decision !== undefined && { decision: task.decision }),
    ...(task.expiredAt !== undefined && { expiredAt: task.expiredAt }),
    ...(task.cancelledAt !== undefined && { cancelledAt: task.cancelledAt }),
    ...(task.cancelReason !== undefined && { cancelReason: task.cancelReason }),
    ...(task.dueAt !== undefined && { dueAt: task.dueAt }),
    ...(task.remindedAt !== undefined && { remindedAt: task.remindedAt }),
  };
}

/**
 * The reference a regulator gave a submission (ICO, DPC, BSI, EDGAR accession numbers: `DPC-BN-2026-0142`,
 * `0001193125-26-012345`, `CNIL/2026/0042`): letters and digits with . _ : / # - and single spaces between, at most 64
 * characters, so it sits on one line of the trail, the draft and a CSV cell and can open no markup or formula.
 */
export const SubmissionReference = z.string().check(z.trim(), z.minLength(1, 'a reference is the regulator\'s reference for the submission: leave it out when there is none yet'), z.maxLength(64, 'a reference is at most 64 characters: send the regulator\'s reference, and anything more in the comment'), z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9._:/#-]| (?! ))*$/, 'a reference starts with a letter or digit and holds only letters, digits, single spaces and . _ : / # -'));

/** Body of POST /incidents/{incidentId}/tasks/{taskId}/complete (and of the emailed link's form). */
export const TaskCompletionRequest = z.strictObject({
  outcome: TaskOutcome,
  comment: z._default(z.string().check(z.trim(), z.maxLength(2000), multiLine), ''),
  /** A report stage's submission: the regulator's reference (only report-<regulation>-<stage> tasks take one). */
  reference: z.optional(SubmissionReference),
}).check(z.refine((request) => request.outcome !== 'rejected' || request.comment.length > 0, {
  path: ['comment'],
  message: 'say why in a comment when rejecting',
}));
export type TaskCompletionRequest = z.infer<typeof TaskCompletionRequest>;

/** Who is trying to complete a task: an IAM caller with their roles, or the recipient of an emailed link. */
export type TaskActor =
  | { readonly kind: 'principal'; readonly principalArn: string; readonly roles: readonly RoleName[] }
  | { readonly kind: 'email'; readonly address: string; readonly name?: string; readonly roles: readonly RoleName[] };

export const actorName = (actor: TaskActor): string => (actor.kind === 'principal' ? actor.principalArn : `email:${actor.address}`);

/**
 * The roles one of whose configured people has this address. A role's list addresses act in no role: a list is
 * many people, so nobody can be recorded as having decided through it.
 */
export function rolesOfAddress(address: string, config: Pick<IrdrConfig, 'roles'>): RoleName[] {
  const normalized = address.toLowerCase();
  return RoleName.options.filter((role) => (config.roles[role]?.people ?? []).some((person) => person.email.toLowerCase() === normalized));
}

/**
 * Only the assigned role may complete a task; only an allow-listed approver (by role or principal) may decide an
 * approval; a task that requires an authenticated identity is never completed through an emailed link.
 */
export function mayComplete(task: Pick<HumanTaskRecord, 'kind' | 'assignee' | 'approvers' | 'requires'>, actor: TaskActor): boolean {
  if (task.requires === 'authenticated' && actor.kind === 'email') return false;
  if (task.kind === 'task') return task.assignee !== undefined && actor.roles.includes(task.assignee);
  const roles = task.approvers?.roles ?? [];
  if (actor.roles.some((role) => roles.includes(role))) return true;
  const principals = task.approvers?.principals ?? [];
  return actor.kind === 'principal'
    ? principals.some((pattern) => !pattern.startsWith('email:') && principalMatches(actor.principalArn, pattern))
    : principals.some((pattern) => pattern.toLowerCase() === `email:${actor.address.toLowerCase()}`);
}

/** Who may complete, in words, for a 403. */
export function whoMayComplete(task: Pick<HumanTaskRecord, 'kind' | 'assignee' | 'approvers' | 'requires'>): string {
  const signedIn = task.requires === 'authenticated' ? ', signed in (the API or the CLI, never an emailed link)' : '';
  if (task.kind === 'task') return `members of the role ${task.assignee ?? '(none)'}${signedIn}`;
  const parts = [
    ...(task.approvers?.roles?.length ? [`members of the role ${task.approvers.roles.join(' or ')}`] : []),
    ...(task.approvers?.principals?.length ? [`the allow-listed approvers ${task.approvers.principals.join(', ')}`] : []),
  ];
  return parts.join(' and ') + signedIn;
}

/** The seconds from the task's creation until its last level has waited: its whole life. */
export function taskWindowSeconds(definition: Pick<HumanTaskDefinition, 'deadlineSeconds' | 'levels'>): number {
  return definition.deadlineSeconds + definition.levels.reduce((total, level) => total + level.afterSeconds, 0);
}

/** What the execution receives through SendTaskSuccess: the decision, token-free. */
export function taskOutput(task: Pick<HumanTaskRecord, 'taskId'>, decision: TaskDecision): string {
  return JSON.stringify({ taskId: task.taskId, ...decision });
}

/** The trail event that records a decision on a task: `approval.decided` or `task.completed`, with who, how and at which level. */
export function decisionEvent(
  task: Pick<HumanTaskRecord, 'taskId' | 'kind' | 'title' | 'stepId'>,
  decision: TaskDecision,
  level: number,
): TrailEventBody {
  return {
    type: task.kind === 'approval' ? 'approval.decided' : 'task.completed',
    at: decision.decidedAt,
    actor: decision.decidedBy,
    stepId: task.stepId,
    detail: {
      taskId: task.taskId,
      kind: task.kind,
      title: task.title,
      outcome: decision.outcome,
      comment: decision.comment,
      ...(decision.reference !== undefined && { reference: decision.reference }),
      via: decision.via,
      ...(decision.decidedByName !== undefined && { decidedByName: decision.decidedByName }),
      ...(decision.through !== undefined && { through: decision.through }),
      level,
    },
  };
}
