import type { WebClient } from '@slack/web-api';
import { irdrConfig } from '../config.js';
import { rolesOfAddress, type TaskActor } from '../domain/human-task.js';
import { rolesAllowedTo } from '../domain/roles.js';
import type { SlackConfig } from '../domain/slack-config.js';
import { outcomeOfVerb, type SlackCommand } from '../domain/slack-interaction.js';
import { completeHumanTask } from './human-task-completion.js';
import { acknowledgeIncident } from './incident-acknowledgement.js';
import { logger } from './powertools.js';

/** Slack user ids of configured people found by address (users.lookupByEmail), per container: people rarely change ids. */
const idsByEmail = new Map<string, string | null>();

/**
 * The irdr person a Slack user acts as: the config's entry with their user id, else the entry whose address Slack
 * resolves to their id (users.lookupByEmail, asked only for configured addresses). Their roles are that person's.
 * Undefined for anyone the config does not map.
 */
export async function slackActor(client: WebClient, config: SlackConfig, userId: string): Promise<TaskActor | undefined> {
  let entry = config.people.find((person) => person.userId === userId);
  for (const person of config.people) {
    if (entry) break;
    if (person.userId !== undefined) continue;
    const key = person.email.toLowerCase();
    if (!idsByEmail.has(key)) {
      try {
        const found = await client.users.lookupByEmail({ email: person.email });
        idsByEmail.set(key, found.user?.id ?? null);
      } catch (error) {
        // users_not_found: not in this workspace. Anything else: unknown now, asked again next time.
        if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') idsByEmail.set(key, null);
        else logger.warn('users.lookupByEmail failed', { error: error as Error });
      }
    }
    if (idsByEmail.get(key) === userId) entry = person;
  }
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
