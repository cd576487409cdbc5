import * as z from 'zod';
import { STEP_ID_PATTERN } from './id-patterns.js';
import { INCIDENT_ID_SOURCE } from './path-parameters.js';
import { SLACK_ACTION_PREFIX, SLACK_ACTION_VERBS, type SlackActionVerb } from './slack-message.js';

/*
 * The part of a `block_actions` interaction payload irdr reads (https://api.slack.com/reference/interaction-payloads/block-actions):
 * sent form-encoded as `payload=<JSON>` when someone presses a button. Unknown fields are allowed: Slack adds them.
 */
export const BlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional(), team_id: z.string().optional() }),
  api_app_id: z.string().optional(),
  container: z.object({ type: z.string(), message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  channel: z.object({ id: z.string().min(1) }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), type: z.string(), value: z.string().optional(), block_id: z.string().optional(), action_ts: z.string().optional() })).min(1),
});
export type BlockActionsPayload = z.infer<typeof BlockActionsPayload>;

/** The incident id shape the API accepts in a path: checked before any lookup. */
const IncidentId = z.string().regex(new RegExp(`^${INCIDENT_ID_SOURCE}$`));
const ButtonValue = z.strictObject({ incidentId: IncidentId, taskId: z.string().regex(STEP_ID_PATTERN).optional() });

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
