import { REVIEW_TASK_ID } from '../incident-review.js';

/** The rule a self sign-off breaks, as the 403 and the docs name it. */
export const SEPARATION_OF_DUTIES_RULE = 'separation of duties (evidence.separationOfDuties)';

/** Someone who ran a record, and what they did: the people who may not review it. */
export interface RecordParticipant {
  readonly actor: string;
  readonly did: string;
}

/**
 * Who ran an incident: opened it by hand, acknowledged (took charge of), commanded (completed a runbook task assigned
 * to the commander role, such as "Take command of the incident"), resolved or closed it. Holding the post-incident
 * review is not running the incident.
 */
export function incidentParticipants(
  incident: { readonly openedBy?: string; readonly acknowledgedBy?: string; readonly resolvedBy?: string; readonly closedBy?: string },
  tasks: ReadonlyArray<{ readonly taskId: string; readonly assignee?: string; readonly decision?: { readonly decidedBy: string; readonly via: string } }> = [],
): RecordParticipant[] {
  const commanded = tasks
    .filter((task) => task.assignee === 'commander' && task.taskId !== REVIEW_TASK_ID && task.decision !== undefined && task.decision.via !== 'post-incident-review')
    .map((task) => ({ actor: task.decision!.decidedBy, did: 'commanded' }));
  return [
    { actor: incident.openedBy, did: 'opened' },
    { actor: incident.acknowledgedBy, did: 'acknowledged' },
    ...commanded,
    { actor: incident.resolvedBy, did: 'resolved' },
    { actor: incident.closedBy, did: 'closed' },
  ].filter((participant): participant is RecordParticipant => participant.actor !== undefined);
}

/** Who ran a drill run: whoever started it by hand (a schedule or a runbook starts it as no person). */
export function drillRunParticipants(run: { readonly trigger: string; readonly requestedBy?: string }): RecordParticipant[] {
  return run.trigger === 'api' && run.requestedBy !== undefined ? [{ actor: run.requestedBy, did: 'started' }] : [];
}

/**
 * Who an IAM ARN stands for, for telling whether two callers are the same. IAM names are unique regardless of case and
 * a trailing slash adds nothing, so both are dropped. A role session is its role: the session name is chosen by
 * whoever calls AssumeRole, so a second session named otherwise is the same caller; an IAM role ARN (with or without
 * a path) is that role too. Anything not an IAM or STS ARN (an emailed link's `email:`, a run's `states:`) is compared
 * as written, case aside.
 */
export function actingIdentity(actor: string): string {
  const normalized = actor.trim().toLowerCase().replace(/\/+$/, '');
  const arn = /^arn:([^:]*):(iam|sts)::([^:]*):(.*)$/.exec(normalized);
  if (!arn) return normalized;
  const [, partition, service, account, resource] = arn as unknown as [string, string, string, string, string];
  const segments = resource.split('/').filter((segment) => segment.length > 0);
  const [kind] = segments;
  if (service === 'sts' && kind === 'assumed-role' && segments[1] !== undefined) return `role:${partition}:${account}:${segments[1]}`;
  if (service === 'iam' && kind === 'role' && segments.length > 1) return `role:${partition}:${account}:${segments.at(-1)}`;
  if (service === 'iam' && kind === 'user' && segments.length > 1) return `user:${partition}:${account}:${segments.at(-1)}`;
  return `${service}:${partition}:${account}:${segments.join('/')}`;
}

/**
 * Why `signer` may not sign off a record these people ran (the 403's message), or undefined when they did not run it.
 * Whatever role they sign in, it is the same person.
 */
export function selfSignOffRefusal(signer: string, participants: readonly RecordParticipant[], record: string): string | undefined {
  const identity = actingIdentity(signer);
  const did = [...new Set(participants.filter((participant) => actingIdentity(participant.actor) === identity).map((participant) => participant.did))];
  if (did.length === 0) return undefined;
  const deeds = did.length === 1 ? did[0] : `${did.slice(0, -1).join(', ')} and ${did.at(-1)}`;
  return (
    `${SEPARATION_OF_DUTIES_RULE}: ${signer} ${deeds} this ${record}, so cannot sign off its evidence; ` +
    'someone who did not run it signs it off (an auditor, or a commander who took no part)'
  );
}
