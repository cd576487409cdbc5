import type { LocalSlackMessage, LocalSlackUser, LocalSlackWorkspace } from './workspace.js';

/*
 * The Web API methods irdr calls, answering as Slack's reference documents them (https://api.slack.com/methods):
 * HTTP 200 with `{ ok: true, ... }` or `{ ok: false, error }`. Arguments arrive form-encoded (what @slack/web-api
 * sends; JSON-valued arguments such as `blocks` as JSON strings) or as a JSON body; the token as `Authorization:
 * Bearer` or a `token` argument.
 */

export type SlackArguments = Record<string, unknown>;
export type SlackResult = { ok: true } & Record<string, unknown> | { ok: false; error: string };

const fail = (error: string): SlackResult => ({ ok: false, error });

/** The arguments of a Web API call, or `invalid_form_data` / `invalid_json` / `invalid_post_type` as Slack names them. */
export function argumentsOf(contentType: string | undefined, body: Buffer): SlackArguments | { error: string } {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return {};
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as SlackArguments) : { error: 'invalid_json' };
    } catch {
      return { error: 'invalid_json' };
    }
  }
  if (type === '') return { error: 'missing_post_type' };
  return { error: 'invalid_post_type' };
}

/** The token a call carries: the Authorization header's bearer token, else the `token` argument. */
export function tokenOf(authorization: string | undefined, args: SlackArguments): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return bearer ?? (typeof args['token'] === 'string' ? args['token'] : undefined);
}

/** `blocks` as given: a JSON string (form) or an array (JSON body); anything else is invalid_blocks. */
function blocksOf(value: unknown): unknown[] | 'invalid' | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'invalid';
    }
  }
  return Array.isArray(parsed) && parsed.every((block) => typeof block === 'object' && block !== null && typeof (block as { type?: unknown }).type === 'string') ? parsed : 'invalid';
}

const string = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function messageView(message: LocalSlackMessage, workspace: LocalSlackWorkspace): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: message.text,
    user: message.user,
    bot_id: `B${workspace.botUserId.slice(1)}`,
    team: workspace.teamId,
    ts: message.ts,
    ...(message.blocks.length > 0 && { blocks: message.blocks }),
    ...(message.threadTs !== undefined && { thread_ts: message.threadTs }),
    ...(message.editedTs !== undefined && { edited: { user: message.user, ts: message.editedTs } }),
  };
}

/** A user object as users.info and users.lookupByEmail answer it (the fields their references show). */
function userObject(user: LocalSlackUser, workspace: LocalSlackWorkspace): Record<string, unknown> {
  return {
    id: user.id,
    team_id: user.teamId ?? workspace.teamId,
    name: user.name,
    real_name: user.realName,
    deleted: false,
    is_bot: false,
    is_app_user: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_email_confirmed: true,
    profile: { email: user.email, real_name: user.realName, display_name: user.name },
  };
}

/** Answers one authenticated call. */
export function callMethod(method: string, args: SlackArguments, workspace: LocalSlackWorkspace): SlackResult {
  workspace.calls.push(method);
  switch (method) {
    case 'auth.test':
      return { ok: true, url: `https://${workspace.teamDomain}.slack.com/`, team: workspace.teamDomain, user: 'irdr', team_id: workspace.teamId, user_id: workspace.botUserId, bot_id: `B${workspace.botUserId.slice(1)}` };
    case 'chat.postMessage': {
      const channel = string(args['channel']);
      if (!channel || !workspace.channel(channel)) return fail('channel_not_found');
      const blocks = blocksOf(args['blocks']);
      if (blocks === 'invalid') return fail('invalid_blocks');
      const text = string(args['text']);
      if (!text && !blocks) return fail('no_text');
      const threadTs = string(args['thread_ts']);
      const message = workspace.post({ channel, user: workspace.botUserId, text: text ?? '', blocks: blocks ?? [], ...(threadTs !== undefined && { threadTs }) });
      return { ok: true, channel, ts: message.ts, message: messageView(message, workspace) };
    }
    case 'chat.update': {
      const channel = string(args['channel']);
      if (!channel || !workspace.channel(channel)) return fail('channel_not_found');
      const ts = string(args['ts']);
      const message = ts ? workspace.find(channel, ts) : undefined;
      if (!message) return fail('message_not_found');
      if (message.user !== workspace.botUserId) return fail('cant_update_message');
      const blocks = blocksOf(args['blocks']);
      if (blocks === 'invalid') return fail('invalid_blocks');
      const text = string(args['text']);
      if (!text && !blocks) return fail('no_text');
      if (text !== undefined) message.text = text;
      if (blocks !== undefined) message.blocks = blocks;
      message.editedTs = workspace.nextTs();
      return { ok: true, channel, ts: message.ts, text: message.text, message: messageView(message, workspace) };
    }
    case 'chat.postEphemeral': {
      const channel = string(args['channel']);
      if (!channel || !workspace.channel(channel)) return fail('channel_not_found');
      const user = string(args['user']);
      if (!user || !workspace.userById(user)) return fail('user_not_found');
      const blocks = blocksOf(args['blocks']);
      if (blocks === 'invalid') return fail('invalid_blocks');
      const text = string(args['text']);
      if (!text && !blocks) return fail('no_text');
      const threadTs = string(args['thread_ts']);
      const message = workspace.post({ channel, user: workspace.botUserId, text: text ?? '', blocks: blocks ?? [], visibleTo: user, ...(threadTs !== undefined && { threadTs }) });
      return { ok: true, message_ts: message.ts };
    }
    case 'users.lookupByEmail': {
      const email = string(args['email']);
      if (!email) return fail('invalid_arguments');
      const user = workspace.userByEmail(email);
      if (!user) return fail('users_not_found');
      return { ok: true, user: userObject(user, workspace) };
    }
    case 'users.info': {
      const id = string(args['user']);
      if (!id) return fail('invalid_arguments');
      const user = workspace.userById(id);
      if (!user) return fail('user_not_found');
      return { ok: true, user: userObject(user, workspace) };
    }
    default:
      return fail('unknown_method');
  }
}
