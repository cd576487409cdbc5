import { describe, expect, it } from 'vitest';
import { slackPersonFor, trustedSlackEmail, type SlackUserObject } from '../../functions/domain/slack-identity.js';

// users.info's documented success response (docs.slack.dev/reference/methods/users.info), as far as irdr reads it.
const documented: SlackUserObject = {
  id: 'W012A3CDE',
  team_id: 'T012AB3C4',
  deleted: false,
  is_bot: false,
  is_app_user: false,
  is_restricted: false,
  is_ultra_restricted: false,
  is_email_confirmed: true,
  profile: { email: 'spengler@ghostbusters.example.com' },
};
const TEAM = 'T012AB3C4';

describe('the address Slack holds for whoever pressed', () => {
  it("is taken from a member of the configured workspace", () => {
    expect(trustedSlackEmail(documented, TEAM)).toEqual({ email: 'spengler@ghostbusters.example.com' });
    // Older user objects carry no is_email_confirmed: not a refusal.
    const { is_email_confirmed: _, ...older } = documented;
    expect(trustedSlackEmail(older, TEAM)).toEqual({ email: 'spengler@ghostbusters.example.com' });
  });

  it('is not taken from another organisation (Slack Connect), a deactivated user, a bot, a guest, an unconfirmed address, or none', () => {
    const cases: Array<[SlackUserObject | undefined, RegExp]> = [
      [{ ...documented, team_id: 'T0OTHERORG' }, /another workspace \(T0OTHERORG\)/],
      [{ ...documented, team_id: undefined }, /another workspace \(none\)/],
      [{ ...documented, deleted: true }, /deactivated/],
      [{ ...documented, is_bot: true }, /a bot/],
      [{ ...documented, is_app_user: true }, /a bot/],
      [{ ...documented, is_restricted: true }, /a guest/],
      [{ ...documented, is_ultra_restricted: true }, /a guest/],
      [{ ...documented, is_email_confirmed: false }, /not confirmed/],
      [{ ...documented, profile: { email: '' } }, /users:read\.email/],
      [{ ...documented, profile: { email: null } }, /users:read\.email/],
      [{ ...documented, profile: undefined }, /users:read\.email/],
      [undefined, /no such user/],
    ];
    for (const [user, why] of cases) expect(trustedSlackEmail(user, TEAM), JSON.stringify(user)).toEqual({ untrusted: expect.stringMatching(why) });
  });
});

describe('the configured person a Slack user acts as', () => {
  const people = [{ userId: 'U0RITA', email: 'rita@example.com' }, { email: 'Carl@Example.com' }];

  it('is the entry with their user id, else the entry without one whose address Slack holds for them (any case)', () => {
    expect(slackPersonFor({ people }, 'U0RITA', undefined)).toEqual(people[0]);
    expect(slackPersonFor({ people }, 'U0CARL', 'carl@example.COM')).toEqual(people[1]);
    expect(slackPersonFor({ people }, 'U0CARL', undefined)).toBeUndefined();
  });

  it("never maps by address to an entry that names another Slack user: Rita's address from someone else is not Rita", () => {
    expect(slackPersonFor({ people }, 'U0SOMEONE', 'rita@example.com')).toBeUndefined();
    // An id the config names wins over the address Slack holds for it.
    expect(slackPersonFor({ people }, 'U0RITA', 'carl@example.com')).toEqual(people[0]);
  });
});
