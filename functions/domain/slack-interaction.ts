import * as z from './zod.js';
import { STEP_ID_PATTERN } from './id-patterns.js';
import { INCIDENT_ID_SOURCE } from './path-parameters.js';
import { SLACK_ACTION_PREFIX, SLACK_ACTION_VERBS, type SlackActionVerb } from './slack-message.js';

/*
 * The part of a `block_actions` interaction payload irdr reads (https://api.slack.com/reference/interaction-payloads/block-actions):
 * sent form-encoded as `payload=<JSON>` when someone presses a button. Unknown fields are allowed: Slack adds them.
 */
export const BlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  // Null for an org-wide (Enterprise) install's org-level surfaces; enterprise_id where the workspace is an organization's.
  team: z.nullable(z.object({ id: z.string().check(z.minLength(1)), enterprise_id: z.optional(z.string()), enterprise_name: z.optional(z.string()) })),
  enterprise: z.optional(z.nullable(z.object({ id: z.string().check(z.minLength(1)), name: z.optional(z.string()) }))),
  is_enterprise_install: z.optional(z.boolean()),
  user: z.object({ id: z.string().check(z.minLength(1)), username: z.optional(z.string()), name: z.optional(z.string()), team_id: z.optional(z.string()) }),
  api_app_id: z.optional(z.string()),
  container: z.optional(z.object({ type: z.string(), message_ts: z.optional(z.string()), channel_id: z.optional(z.string()) })),
  channel: z.optional(z.object({ id: z.string().check(z.minLength(1)) })),
  message: z.optional(z.object({ ts: z.string() })),
  actions: z.array(z.object({ action_id: z.string(), type: z.string(), value: z.optional(z.string()), block_id: z.optional(z.string()), action_ts: z.optional(z.string()) })).check(z.minLength(1)),
});
export type BlockActionsPayload = z.infer<typeof BlockActionsPayload>;

/**
 * Why a signed interaction is not from the configured workspace (a 403, nothing read further), or undefined when it is.
 * Slack signs every workspace's and organization's interactions with the one app's signing secret, so a valid
 * signature says only "Slack sent it": an app installed in another workspace, or org-wide across an organization's
 * workspaces, is answered here. The pressing user's own team is the identity mapping's to judge (Slack Connect).
 */
export function foreignWorkspace(payload: BlockActionsPayload, configured: { readonly teamId: string; readonly enterpriseId?: string | undefined }): string | undefined {
  if (!payload.team) return `this app answers its own workspace only (${configured.teamId}); the interaction names no workspace (an organization-wide surface)`;
  if (payload.team.id !== configured.teamId) return `this app answers its own workspace only (${configured.teamId}), not ${payload.team.id}`;
  const enterprises = [...new Set([payload.enterprise?.id, payload.team.enterprise_id].filter((id): id is string => id !== undefined))];
  const expected = configured.enterpriseId;
  if (enterprises.some((id) => id !== expected)) return `this app answers its own workspace only: the interaction is of organization ${enterprises.join(', ')}, the configured one is ${expected ?? 'none'}`;
  if (expected !== undefined && enterprises.length === 0) return `this app answers its own workspace only: the interaction names no organization, the configured one is ${expected}`;
  return undefined;
}

/** The incident id shape the API accepts in a path: checked before any lookup. */
const IncidentId = z.string().check(z.regex(new RegExp(`^${INCIDENT_ID_SOURCE}$`)));
const ButtonValue = z.strictObject({ incidentId: IncidentId, taskId: z.optional(z.string().check(z.regex(STEP_ID_PATTERN))) });

export type SlackCommand =
  | { readonly verb: 'acknowledge'; readonly incidentId: string }
  | { readonly verb: Exclude<SlackActionVerb, 'acknowledge'>; readonly incidentId: string; readonly taskId: string };

/** What the pressed button asks for, or why it cannot be one of irdr's (a 400: nothing is done). */
export function commandOf(action: BlockActionsPayload['actions'][number]): SlackCommand | { readonly refused: string } {
  const [name] = action.action_id.split(':');
  const verb = name?.startsWith(SLACK_ACTION_PREFIX) ? name.slice(SLACK_ACTION_PREFIX.length) : '';
  if (!(SLACK_ACTION_VERBS as readonly string[]).includes(verb)) return { refused: `action_id "${action.action_id.slice(0, 60)}" is none of irdr's buttons` };
  let value: unknown;
  try {
    value = JSON.parse(action.value ?? '');
  } catch {
    return { refused: 'the button value is not JSON' };
  }
  const parsed = ButtonValue.safeParse(value);
  if (!parsed.success) return { refused: 'the button value names no incident (and task) irdr could have made' };
  if (verb === 'acknowledge') return { verb, incidentId: parsed.data.incidentId };
  if (!parsed.data.taskId) return { refused: `a ${verb} button names a task` };
  return { verb: verb as Exclude<SlackActionVerb, 'acknowledge'>, incidentId: parsed.data.incidentId, taskId: parsed.data.taskId };
}

/** The outcome each task button records. */
export const outcomeOfVerb = { complete: 'done', approve: 'approved', reject: 'rejected' } as const;
