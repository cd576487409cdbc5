import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { slackSignature } from '../../functions/domain/slack-signature.js';
import { listen } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';
import { workspacePage } from './page.js';
import { argumentsOf, callMethod, tokenOf } from './web-api.js';
import { LocalSlackWorkspace, type LocalSlackMessage } from './workspace.js';

/*
 * Slack on this machine: the Web API at `/api/<method>` (what @slack/web-api calls when its slackApiUrl points here),
 * a page at `/` showing channels, messages and threads, and buttons that send the app signed block_actions
 * interactions at its interactivity URL, as Slack does. The bot token and signing secret are the ones in the local
 * Secrets Manager, read when the stack starts.
 */

export interface LocalSlackCredentials {
  readonly botToken: string;
  readonly signingSecret: string;
}

export interface LocalSlackOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly workspace: LocalSlackWorkspace;
  readonly credentials: LocalSlackCredentials;
  /** Where interactions go (the local API's interactivity route); known once the API is up. */
  readonly interactivityUrl: () => string;
}

export interface PressResult {
  readonly status: number;
  readonly body: string;
}

export interface RunningLocalSlack {
  /** The page; the Web API is under `${endpoint}/api/`. */
  readonly endpoint: string;
  /** What @slack/web-api's slackApiUrl is set to. */
  readonly apiUrl: string;
  readonly workspace: LocalSlackWorkspace;
  /** A fault knob: while on, every Web API call is answered HTTP 503, as in a Slack outage. */
  refuseCalls(refuse: boolean): void;
  /** Presses a button of a message as `userId`, exactly as the page's form does. */
  press(options: { channel: string; ts: string; actionId: string; userId: string }): Promise<PressResult>;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

/** The block_actions payload Slack sends when `user` presses the button `actionId` of `message`. */
export function blockActionsPayload(workspace: LocalSlackWorkspace, message: LocalSlackMessage, actionId: string, userId: string, responseUrl: string): Record<string, unknown> | undefined {
  const user = workspace.userById(userId);
  if (!user) return undefined;
  for (const raw of message.blocks) {
    const block = raw as { type?: string; block_id?: string; elements?: Array<Record<string, unknown>> };
    if (block.type !== 'actions') continue;
    const element = block.elements?.find((candidate) => candidate['type'] === 'button' && candidate['action_id'] === actionId);
    if (!element) continue;
    const channel = workspace.channel(message.channel)!;
    return {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId ?? workspace.teamId },
      api_app_id: 'A0IRDRLOCAL',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
      trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
      team: { id: workspace.teamId, domain: workspace.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.name },
      message: { type: 'message', subtype: 'bot_message', text: message.text, user: message.user, ts: message.ts, blocks: message.blocks },
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          action_id: actionId,
          block_id: block.block_id ?? '',
          text: element['text'],
          ...(element['value'] !== undefined && { value: element['value'] }),
          ...(element['style'] !== undefined && { style: element['style'] }),
          type: 'button',
          action_ts: workspace.nextTs(),
        },
      ],
    };
  }
  return undefined;
}

export async function startLocalSlack(options: LocalSlackOptions): Promise<RunningLocalSlack> {
  const { workspace, credentials } = options;
  let refusing = false;
  let endpoint = '';

  const press: RunningLocalSlack['press'] = async ({ channel, ts, actionId, userId }) => {
    const message = workspace.find(channel, ts);
    if (!message) return { status: 404, body: 'no such message' };
    const payload = blockActionsPayload(workspace, message, actionId, userId, `${endpoint}/response-url/${channel}/${ts}`);
    if (!payload) return { status: 404, body: 'no such button on that message, or no such user' };
    // Slack's form: payload=<JSON>, signed over the exact bytes sent.
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(options.interactivityUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(credentials.signingSecret, timestamp, body),
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
      body,
    });
    return { status: response.status, body: await response.text() };
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://local');
      const body = await readBody(request);
      if (body === undefined) return json(response, 413, { ok: false, error: 'request_too_large' });
      const method = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname)?.[1];
      if (method !== undefined && request.method === 'POST') {
        if (refusing) return json(response, 503, { ok: false, error: 'service_unavailable' });
        const args = argumentsOf(request.headers['content-type'], body);
        if ('error' in args && typeof args.error === 'string' && Object.keys(args).length === 1) return json(response, 200, { ok: false, error: args.error });
        const token = tokenOf(request.headers.authorization, args);
        if (!token) return json(response, 200, { ok: false, error: 'not_authed' });
        if (token !== credentials.botToken) return json(response, 200, { ok: false, error: 'invalid_auth' });
        return json(response, 200, callMethod(method, args, workspace));
      }
      if (url.pathname === '/' && request.method === 'GET') {
        const viewer = workspace.userById(url.searchParams.get('as') ?? '')?.id ?? workspace.users[0]!.id;
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" });
        return response.end(workspacePage(workspace, viewer, url.searchParams.get('notice') ?? undefined));
      }
      if (url.pathname === '/press' && request.method === 'POST') {
        const form = new URLSearchParams(body.toString('utf8'));
        const userId = form.get('user') ?? '';
        const pressed = await press({ channel: form.get('channel') ?? '', ts: form.get('ts') ?? '', actionId: form.get('action_id') ?? '', userId });
        const notice = `Pressed ${form.get('action_id') ?? ''}: the app answered ${pressed.status}`;
        response.writeHead(303, { location: `/?as=${encodeURIComponent(userId)}&notice=${encodeURIComponent(notice)}` });
        return response.end();
      }
      if (url.pathname === '/_local/messages' && request.method === 'GET') return json(response, 200, { messages: workspace.messages });
      if (url.pathname.startsWith('/response-url/')) return json(response, 200, { ok: true });
      json(response, 404, { ok: false, error: 'unknown_method' });
    })().catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { ok: false, error: 'internal_error', detail: (error as Error).message });
      else response.end();
    });
  });
  refuseForeignHosts(server, 'Slack');
  const listening = await listen(server, options.host, options.port);
  endpoint = listening.endpoint;
  return {
    endpoint,
    apiUrl: `${endpoint}/api/`,
    workspace,
    refuseCalls: (refuse) => {
      refusing = refuse;
    },
    press,
    stop: () => listening.close(),
  };
}
