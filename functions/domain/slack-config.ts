import * as z from './zod.js';
import { Severity } from './incident.js';
import { RUNBOOK_ID_PATTERN } from './id-patterns.js';

/** Slack's ids: channels C…/G…, users U…/W…, user groups S…, workspaces T… (upper-case letters and digits). */
// Marked free of side effects, so a bundle that never reads the Slack config drops the schemas built with it.
const slackId = /* @__NO_SIDE_EFFECTS__ */ (prefixes: string, what: string) =>
  z.string().check(z.regex(new RegExp(`^[${prefixes}][A-Z0-9]{2,20}$`), `a Slack ${what} id (${prefixes.split('').join('…, ')}…), e.g. from the ${what}'s "Copy ID"`));

/** A Slack user who may press irdr's buttons, and the irdr person they act as (one of roles.*.people). */
export const SlackPerson = z.strictObject({
  /** Their Slack user id; without it, whoever presses is this person when Slack holds this address for them (users.info). */
  userId: z.optional(slackId('UW', 'user')),
  /** The irdr person they are: an address of roles.*.people; their roles are that person's. */
  email: z.email(),
});
export type SlackPerson = z.infer<typeof SlackPerson>;

/**
 * Incident notices in Slack (docs/slack.md): one message per incident in the channel for its runbook, else for its
 * severity, else the default; a thread that follows the incident; buttons that call the same operations as the API.
 */
export const SlackConfig = z.strictObject({
  /** The workspace the app is installed in: an interaction from any other team is refused (403). */
  teamId: slackId('T', 'workspace'),
  /** The Enterprise organization the workspace belongs to, if any: an interaction of any other organization, or of none when this is set, is refused (403). */
  enterpriseId: z.optional(slackId('E', 'organization')),
  channels: z.strictObject({
    /** Where an incident goes when neither its runbook nor its severity names a channel. */
    default: slackId('CG', 'channel'),
    bySeverity: z._default(z.partialRecord(Severity, slackId('CG', 'channel')), {}),
    byRunbook: z._default(z.record(z.string().check(z.regex(RUNBOOK_ID_PATTERN, 'a runbook id')), slackId('CG', 'channel')), {}),
    /** Where drill reports go (pass or fail); the default channel when left out. */
    drills: z.optional(slackId('CG', 'channel')),
  }),
  /** Severities whose top message mentions the urgent user group. */
  urgentSeverities: z._default(z.array(Severity), ['SEV1', 'SEV2']),
  /** The user group (`<!subteam^ID>`) mentioned on urgent incidents, e.g. @compliance-team. */
  urgentUserGroup: z.optional(slackId('S', 'user group')),
  /** Who may act from Slack; anyone else pressing a button is refused, and nothing changes. */
  people: z._default(z.array(SlackPerson), []),
});
export type SlackConfig = z.infer<typeof SlackConfig>;

/** The Slack app's secret (JSON in Secrets Manager): the bot token for the Web API, the signing secret for interactions. */
export const SlackAppSecret = z.object({ botToken: z.string().check(z.minLength(10)), signingSecret: z.string().check(z.minLength(16)) });
export type SlackAppSecret = z.infer<typeof SlackAppSecret>;

/** The channel an incident's message goes to: its runbook's, else its severity's, else the default. */
export function channelFor(config: SlackConfig, incident: { readonly runbookId: string; readonly severity: Severity }): string {
  return config.channels.byRunbook[incident.runbookId] ?? config.channels.bySeverity[incident.severity] ?? config.channels.default;
}
