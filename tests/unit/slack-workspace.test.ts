import { describe, expect, it } from 'vitest';
import { BlockActionsPayload, foreignWorkspace } from '../../functions/domain/slack-interaction.js';

/*
 * Which signed interactions are the configured workspace's. Payloads in the shape Slack documents for block_actions
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload; bolt-js's BlockAction type for the
 * Enterprise fields: team.enterprise_id/enterprise_name, enterprise, is_enterprise_install, team null at org level).
 */
const pressed = (overrides: Record<string, unknown> = {}) =>
  BlockActionsPayload.parse({
    type: 'block_actions',
    user: { id: 'U0RITA', username: 'rita', name: 'rita', team_id: 'T0IRDRLOCAL' },
    api_app_id: 'A0IRDRAPP1',
    token: 'Shh_its_a_seekrit',
    container: { type: 'message', message_ts: '1548261231.000200', channel_id: 'C0COMPLIANCE', is_ephemeral: false },
    trigger_id: '12345.98765.abcd2358fdea',
    team: { id: 'T0IRDRLOCAL', domain: 'irdr-local' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: 'C0COMPLIANCE', name: 'compliance' },
    message: { type: 'message', ts: '1548261231.000200', text: 'SEV2: …' },
    response_url: 'https://hooks.slack.com/actions/T0IRDRLOCAL/1234567890/abc',
    actions: [{ action_id: 'irdr.acknowledge', block_id: 'actions', type: 'button', value: '{"incidentId":"x"}', action_ts: '1548426417.840180' }],
    ...overrides,
  });

describe('foreignWorkspace', () => {
  const workspace = { teamId: 'T0IRDRLOCAL' };
  const grid = { teamId: 'T0IRDRLOCAL', enterpriseId: 'E0IRDRORG' };
  const inGrid = { team: { id: 'T0IRDRLOCAL', domain: 'irdr-local', enterprise_id: 'E0IRDRORG', enterprise_name: 'Irdr Org' }, enterprise: { id: 'E0IRDRORG', name: 'Irdr Org' }, is_enterprise_install: true };

  it("takes the configured workspace's presses, in an organization when the config names it", () => {
    expect(foreignWorkspace(pressed(), workspace)).toBeUndefined();
    expect(foreignWorkspace(pressed(inGrid), grid)).toBeUndefined();
  });

  it('refuses another workspace the app is installed in, and another workspace of the same organization (org-wide install)', () => {
    expect(foreignWorkspace(pressed({ team: { id: 'T0OTHERORG', domain: 'other' } }), workspace)).toContain('not T0OTHERORG');
    expect(foreignWorkspace(pressed({ ...inGrid, team: { id: 'T0SISTER', domain: 'sister', enterprise_id: 'E0IRDRORG' } }), grid)).toContain('not T0SISTER');
  });

  it('refuses an organization-level surface (team null), and an organization that is not the configured one', () => {
    expect(foreignWorkspace(pressed({ ...inGrid, team: null }), grid)).toContain('names no workspace');
    // The configured workspace's id beside another organization (or one the config does not name): not taken on the team id alone.
    expect(foreignWorkspace(pressed({ ...inGrid, enterprise: { id: 'E0OTHER', name: 'Other' } }), grid)).toContain('organization E0OTHER, E0IRDRORG');
    expect(foreignWorkspace(pressed(inGrid), workspace)).toContain('the configured one is none');
    expect(foreignWorkspace(pressed(), grid)).toContain('names no organization, the configured one is E0IRDRORG');
  });
});
