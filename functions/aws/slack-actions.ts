import type { WebClient } from '@slack/web-api';
import { irdrConfig } from '../config.js';
import { rolesOfAddress, type TaskActor } from '../domain/human-task.js';
import { rolesAllowedTo } from '../domain/roles.js';
import type { SlackConfig } from '../domain/slack-config.js';
import { slackPersonFor, trustedSlackEmail, type SlackUserObject } from '../domain/slack-identity.js';
import { outcomeOfVerb, type SlackCommand } from '../domain/slack-interaction.js';
import { completeHumanTask } from './human-task-completion.js';
import { acknowledgeIncident } from './incident-acknowledgement.js';
import { logger } from './powertools.js';

/** Each pressing user's trusted address (users.info), per container for five minutes: a deactivation or a changed address counts soon. */
const emailsByUser = new Map<string, { readonly email: string | undefined; readonly until: number }>();
const EMAIL_CACHE_MS = 5 * 60_000;

/** The address Slack holds for the user, when it may be taken as theirs (trustedSlackEmail); one users.info call. */
async function trustedEmailOf(client: WebClient, teamId: string, userId: string): Promise<string | undefined> {
  const cached = emailsByUser.get(userId);
  if (cached && cached.until > Date.now()) return cached.email;
  try {
    const trust = trustedSlackEmail((await client.users.info({ user: userId })).user as SlackUserObject | undefined, teamId);
    if ('untrusted' in trust) logger.info('Slack user not mapped by address', { userId, why: trust.untrusted });
    const email = 'email' in trust ? trust.email : undefined;
    emailsByUser.set(userId, { email, until: Date.now() + EMAIL_CACHE_MS });
    return email;
  } catch (error) {
    // user_not_found: nobody to map. Anything else: unknown now (refused this once), asked again next time.
    if ((error as { data?: { error?: string } }).data?.error === 'user_not_found') emailsByUser.set(userId, { email: undefined, until: Date.now() + EMAIL_CACHE_MS });
    else logger.warn('users.info failed', { error: error as Error });
    return undefined;
  }
}

/**
 * The irdr person a Slack user acts as: the config's entry with their user id, else the entry without one whose address
 * Slack holds for them (users.info: one call per press, not one per configured address). Their roles are that person's.
 * Undefined for anyone the config does not map.
 */
export async function slackActor(client: WebClient, config: SlackConfig, userId: string): Promise<TaskActor | undefined> {
  const byAddress = config.people.some((person) => person.userId === undefined) && !config.people.some((person) => person.userId === userId);
  const entry = slackPersonFor(config, userId, byAddress ? await trustedEmailOf(client, config.teamId, userId) : undefined);
  if (!entry) return undefined;
  const name = Object.values(irdrConfig.roles)
    .flatMap((role) => role?.people ?? [])
    .find((person) => person.email.toLowerCase() === entry.email.toLowerCase())?.name;
  return { kind: 'email', address: entry.email, ...(name !== undefined && { name }), roles: rolesOfAddress(entry.email, irdrConfig) };
}

export type SlackActionResult = { readonly done: true; readonly message: string } | { readonly done: false; readonly message: string };

/**
 * One button, one operation: the same calls the API makes (acknowledgeIncident; completeHumanTask), with the same
 * checks, so a refused press changes nothing. The acknowledge role check is the API's (rolesAllowedTo).
 */
export async function performSlackCommand(tableName: string, command: SlackCommand, actor: TaskActor): Promise<SlackActionResult> {
  if (command.verb === 'acknowledge') {
    const needed = rolesAllowedTo.acknowledgeIncident;
    if (!actor.roles.some((role) => (needed as readonly string[]).includes(role))) {
      return { done: false, message: `Acknowledging needs the ${needed.join(' or ')} role; ${describeActor(actor)}. Nothing was changed.` };
    }
    const result = await acknowledgeIncident(tableName, command.incidentId, actor, 'slack');
    if (result.kind !== 'acknowledged') return { done: false, message: `${result.message}. Nothing was changed.` };
    return { done: true, message: `Acknowledged incident ${command.incidentId} (MTTA ${result.incident.mttaSeconds ?? '?'} s).` };
  }
  const outcome = outcomeOfVerb[command.verb];
  const result = await completeHumanTask(tableName, { incidentId: command.incidentId, taskId: command.taskId }, { outcome, comment: 'from Slack' }, actor, 'slack');
  if (result.kind !== 'completed') return { done: false, message: `${result.message}. Nothing was changed.` };
  return { done: true, message: `"${result.task.title}": ${outcome}.` };
}

const describeActor = (actor: TaskActor): string =>
  `you act as ${actor.kind === 'email' ? actor.address : actor.principalArn}, ${actor.roles.length > 0 ? `in the ${actor.roles.join(', ')} role` : 'in no irdr role'}`;
