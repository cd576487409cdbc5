import { createHash } from 'node:crypto';
import type { IrdrConfig } from '../../functions/domain/config-schema.js';
import { LocalSlackWorkspace, type LocalSlackUser } from './workspace.js';

/** Someone in the workspace whom no config maps: pressing a button, they are refused. */
export const LOCAL_SLACK_OUTSIDER: LocalSlackUser = { id: 'U0OUTSIDER', name: 'olga', realName: 'Olga Outsider', email: 'olga@example.net' };
export const LOCAL_SLACK_BOT_USER_ID = 'U0IRDRBOT';
/** A Slack Connect member of another organisation who set the address of a person the config maps by address alone. */
export const LOCAL_SLACK_LOOKALIKE_ID = 'U0LOOKALIKE';

/** A stable Slack-shaped user id for a configured person without one (irdr finds them by address: users.info). */
const derivedUserId = (email: string) => `U1${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 8).toUpperCase()}`;

/**
 * The local workspace the config describes: its team, every channel it names, and a user for each role person (with
 * the Slack user id the config gives them, else a derived one), plus an outsider no config maps.
 */
export function localSlackWorkspace(config: IrdrConfig): LocalSlackWorkspace | undefined {
  const slack = config.slack;
  if (!slack) return undefined;
  const channelIds = new Set([slack.channels.default, ...Object.values(slack.channels.bySeverity), ...Object.values(slack.channels.byRunbook), ...(slack.channels.drills ? [slack.channels.drills] : [])]);
  const channels = [...channelIds].map((id) => ({ id, name: id === slack.channels.default ? 'compliance' : id.toLowerCase() }));
  const people = new Map<string, LocalSlackUser>();
  for (const role of Object.values(config.roles)) {
    for (const person of role?.people ?? []) {
      const configured = slack.people.find((entry) => entry.email.toLowerCase() === person.email.toLowerCase());
      const id = configured?.userId ?? derivedUserId(person.email);
      people.set(id, { id, name: person.email.split('@')[0]!, realName: person.name, email: person.email });
    }
  }
  const byAddressOnly = slack.people.find((person) => person.userId === undefined);
  const lookalike: LocalSlackUser[] = byAddressOnly ? [{ id: LOCAL_SLACK_LOOKALIKE_ID, name: 'lookalike', realName: 'Lookalike (another organisation)', email: byAddressOnly.email, teamId: 'T0OTHERORG' }] : [];
  return new LocalSlackWorkspace(slack.teamId, 'irdr-local', LOCAL_SLACK_BOT_USER_ID, channels, [...people.values(), LOCAL_SLACK_OUTSIDER, ...lookalike]);
}
