import { roleNames, type IrdrConfig } from '../config-schema.js';
import { consolePrincipalParts } from '../console-caller.js';
import { REVIEW_TASK_ID } from '../incident-review.js';
import { principalMatches, rolePrincipalsFromConfig, type RolePrincipals } from '../roles.js';

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

/** Who ran a drill run: whoever started it by hand, through the API or the CLI (a schedule or a runbook starts it as no person). */
export function drillRunParticipants(run: { readonly trigger: string; readonly requestedBy?: string }): RecordParticipant[] {
  return (run.trigger === 'api' || run.trigger === 'cli') && run.requestedBy !== undefined ? [{ actor: run.requestedBy, did: 'started' }] : [];
}

/** The IAM principal patterns an emailed link's recipient signs in as (see principalsOfAddress). */
export type PrincipalsOfAddress = (address: string) => readonly string[];

/**
 * Who signs in as the person with this address: their own `principals` when config names them, else every principal of
 * the roles they are a person of (`rolePrincipals`, as the API authorizes callers) (a link's recipient may be any of those callers, so none of them may review it).
 */
export function principalsOfAddress(config: Pick<IrdrConfig, 'roles'>, rolePrincipals: RolePrincipals = rolePrincipalsFromConfig(config as IrdrConfig)): PrincipalsOfAddress {
  return (address) => {
    const wanted = address.trim().toLowerCase();
    const roles = roleNames.filter((role) => config.roles[role]?.people.some((person) => person.email.toLowerCase() === wanted));
    const own = roles.flatMap((role) => config.roles[role]!.people.filter((person) => person.email.toLowerCase() === wanted).flatMap((person) => person.principals ?? []));
    // The roles' principals as the API authorizes them (ROLE_PRINCIPALS: config, plus the local stack's dev identities).
    return own.length > 0 ? own : roles.flatMap((role) => rolePrincipals[role] ?? []);
  };
}

/** The IAM user name or role session name an ARN ends in, lower-cased: what a CLI actor (`cli:<user name>`) is compared with. */
const lastName = (arn: string): string | undefined => /^arn:[^:]*:(?:iam|sts)::[^:]*:(?:user|assumed-role)\/(?:.*\/)?([^/]+)\/*$/i.exec(arn.trim())?.[1]?.toLowerCase();

/**
 * Whether the signer (an IAM ARN) is the actor a record names, through whichever channel they acted: the same IAM
 * identity (actingIdentity); an emailed link's `email:<address>` whose person signs in as the signer; or a CLI's
 * `cli:<user name>` (the operating-system user) matching the signer's IAM user or session name.
 */
export function sameActor(signer: string, actor: string, principalsOf: PrincipalsOfAddress = () => []): boolean {
  if (actingIdentity(signer) === actingIdentity(actor)) return true;
  const channel = /^(email|cli):(.+)$/i.exec(actor.trim());
  if (!channel) return false;
  const [, kind, who] = channel as unknown as [string, string, string];
  if (kind.toLowerCase() === 'cli') return lastName(signer) === who.toLowerCase();
  const identity = actingIdentity(signer);
  return principalsOf(who).some((pattern) => principalMatches(signer.toLowerCase(), pattern.toLowerCase()) || actingIdentity(pattern) === identity);
}

/**
 * Who an IAM ARN stands for, for telling whether two callers are the same. IAM names are unique regardless of case and
 * a trailing slash adds nothing, so both are dropped. A role session is its role: the session name is chosen by
 * whoever calls AssumeRole, so a second session named otherwise is the same caller; an IAM role ARN (with or without
 * a path) is that role too. A console user (`…/CognitoIdentityCredentials/<sub>`, console-caller.ts) is their person,
 * whichever group they act in. Anything not an IAM or STS ARN (an emailed link's `email:`, a run's `states:`) is
 * compared as written, case aside.
 */
export function actingIdentity(actor: string): string {
  const normalized = actor.trim().toLowerCase().replace(/\/+$/, '');
  const arn = /^arn:([^:]*):(iam|sts)::([^:]*):(.*)$/.exec(normalized);
  if (!arn) return normalized;
  const [, partition, service, account, resource] = arn as unknown as [string, string, string, string, string];
  const segments = resource.split('/').filter((segment) => segment.length > 0);
  const [kind] = segments;
  // A console user's session is named by API Gateway after their user pool sub, not by them: that person, in any group.
  const person = consolePrincipalParts(normalized);
  if (person) return `cognito:${person.partition}:${person.account}:${person.sub}`;
  if (service === 'sts' && kind === 'assumed-role' && segments[1] !== undefined) return `role:${partition}:${account}:${segments[1]}`;
  if (service === 'iam' && kind === 'role' && segments.length > 1) return `role:${partition}:${account}:${segments.at(-1)}`;
  if (service === 'iam' && kind === 'user' && segments.length > 1) return `user:${partition}:${account}:${segments.at(-1)}`;
  return `${service}:${partition}:${account}:${segments.join('/')}`;
}

/**
 * Why `signer` may not sign off a record these people ran (the 403's message), or undefined when they did not run it.
 * Whatever role they sign in, it is the same person.
 */
export function selfSignOffRefusal(signer: string, participants: readonly RecordParticipant[], record: string, principalsOf?: PrincipalsOfAddress): string | undefined {
  const theirs = participants.filter((participant) => sameActor(signer, participant.actor, principalsOf));
  const did = [...new Set(theirs.map((participant) => participant.did))];
  if (did.length === 0) return undefined;
  const deeds = did.length === 1 ? did[0] : `${did.slice(0, -1).join(', ')} and ${did.at(-1)}`;
  // Acting through another channel (an emailed link, the CLI) is still acting: say as whom it was recorded.
  const channels = [...new Set(theirs.map((participant) => participant.actor).filter((actor) => /^(email|cli):/i.test(actor.trim())))];
  const as = channels.length > 0 ? ` (as ${channels.join(', ')})` : '';
  return (
    `${SEPARATION_OF_DUTIES_RULE}: ${signer} ${deeds} this ${record}${as}, so cannot sign off its evidence; ` +
    'someone who did not run it signs it off (an auditor, or a commander who took no part)'
  );
}
