import type { SlackConfig, SlackPerson } from './slack-config.js';

/** What irdr reads of users.info's user object (docs.slack.dev/reference/methods/users.info): the fields that say whose address it is. */
export interface SlackUserObject {
  readonly id?: string;
  readonly team_id?: string;
  readonly deleted?: boolean;
  readonly is_bot?: boolean;
  readonly is_app_user?: boolean;
  readonly is_restricted?: boolean;
  readonly is_ultra_restricted?: boolean;
  readonly is_email_confirmed?: boolean;
  readonly profile?: { readonly email?: string | null };
}

/**
 * The address Slack holds for a user, when irdr may take it as theirs: a member of the configured workspace (a Slack
 * Connect member's address is another organisation's to set), not deactivated, not a bot, not a guest, its address
 * confirmed. Otherwise why not, for the logs.
 */
export function trustedSlackEmail(user: SlackUserObject | undefined, teamId: string): { readonly email: string } | { readonly untrusted: string } {
  if (!user) return { untrusted: 'Slack knows no such user' };
  if (user.team_id !== teamId) return { untrusted: `a member of another workspace (${user.team_id ?? 'none'}), e.g. through Slack Connect` };
  if (user.deleted) return { untrusted: 'deactivated' };
  if (user.is_bot || user.is_app_user) return { untrusted: 'a bot' };
  if (user.is_restricted || user.is_ultra_restricted) return { untrusted: 'a guest (map a guest by userId)' };
  if (user.is_email_confirmed === false) return { untrusted: 'their address is not confirmed' };
  const email = user.profile?.email;
  if (!email) return { untrusted: 'Slack gives no address (the app needs users:read.email)' };
  return { email };
}

/** The config's entry for a Slack user: by user id, else (for entries without one) by the address Slack holds for them. */
export function slackPersonFor(config: Pick<SlackConfig, 'people'>, userId: string, trustedEmail: string | undefined): SlackPerson | undefined {
  const byId = config.people.find((person) => person.userId === userId);
  if (byId) return byId;
  if (trustedEmail === undefined) return undefined;
  const address = trustedEmail.toLowerCase();
  return config.people.find((person) => person.userId === undefined && person.email.toLowerCase() === address);
}
