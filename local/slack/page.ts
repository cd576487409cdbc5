import type { LocalSlackMessage, LocalSlackWorkspace } from './workspace.js';

/*
 * The local Slack's page: every channel, its messages and their threads, with Block Kit sections, fields, context
 * and buttons drawn. A button is a form: pressing it makes the local Slack send the app a signed block_actions
 * interaction as the user chosen at the top ("viewing as"), exactly as Slack would.
 */

const html = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Slack's three escapes undone (`&lt;` shows as `<`), then HTML-escaped for the page. */
const shown = (slackEscaped: string): string => html(slackEscaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));

/**
 * mrkdwn as Slack draws it, for what irdr sends: `<!subteam^ID>` mentions, `<url|label>` links, `*bold*`. Only a
 * literal `<` starts a token: escaped text (`&lt;!channel&gt;`) stays text, as in Slack.
 */
export function renderMrkdwn(text: string, workspace: LocalSlackWorkspace): string {
  return text
    .split(/(<[^<>]*>)/)
    .map((part) => {
      const token = /^<(.*)>$/.exec(part)?.[1];
      if (token === undefined) return shown(part).replace(/\*([^*\n]+)\*/g, '<b>$1</b>').replace(/\n/g, '<br>');
      if (token.startsWith('!subteam^')) return `<span class="mention">@${html(token.slice('!subteam^'.length).split('|')[0] ?? '')}</span>`;
      if (token.startsWith('!')) return `<span class="mention">@${html(token.slice(1))}</span>`;
      if (token.startsWith('@')) return `<span class="mention">@${html(workspace.userById(token.slice(1))?.name ?? token.slice(1))}</span>`;
      const [url, label] = token.split('|');
      return /^https?:\/\//.test(url ?? '') ? `<a href="${html(url!)}" rel="noreferrer">${shown(label ?? url!)}</a>` : shown(part);
    })
    .join('');
}

type TextObject = { type?: string; text?: string };
const textOf = (object: unknown, workspace: LocalSlackWorkspace): string => {
  const { type, text } = (object ?? {}) as TextObject;
  if (typeof text !== 'string') return '';
  return type === 'mrkdwn' ? renderMrkdwn(text, workspace) : shown(text);
};

function renderBlocks(message: LocalSlackMessage, workspace: LocalSlackWorkspace, viewer: string): string {
  if (message.blocks.length === 0) return `<div class="text">${renderMrkdwn(message.text, workspace)}</div>`;
  return message.blocks
    .map((raw) => {
      const block = raw as { type: string; block_id?: string; text?: unknown; fields?: unknown[]; elements?: unknown[] };
      if (block.type === 'section') {
        const fields = (block.fields ?? []).map((field) => `<div class="field">${textOf(field, workspace)}</div>`).join('');
        return `<div class="section">${textOf(block.text, workspace)}${fields ? `<div class="fields">${fields}</div>` : ''}</div>`;
      }
      if (block.type === 'context') return `<div class="context">${(block.elements ?? []).map((element) => textOf(element, workspace)).join(' ')}</div>`;
      if (block.type === 'actions') {
        const buttons = (block.elements ?? []).map((raw) => {
          const element = raw as { type: string; action_id?: string; value?: string; text?: unknown; style?: string };
          if (element.type !== 'button') return '';
          return (
            `<form method="post" action="/press" class="press">` +
            `<input type="hidden" name="channel" value="${html(message.channel)}"><input type="hidden" name="ts" value="${html(message.ts)}">` +
            `<input type="hidden" name="block_id" value="${html(block.block_id ?? '')}"><input type="hidden" name="action_id" value="${html(element.action_id ?? '')}">` +
            `<input type="hidden" name="user" value="${html(viewer)}">` +
            `<button type="submit" class="${html(element.style ?? 'default')}">${textOf(element.text, workspace)}</button></form>`
          );
        });
        return `<div class="actions">${buttons.join('')}</div>`;
      }
      return '';
    })
    .join('');
}

function renderMessage(message: LocalSlackMessage, workspace: LocalSlackWorkspace, viewer: string): string {
  const edited = message.editedTs ? ' <span class="edited">(edited)</span>' : '';
  const ephemeral = message.visibleTo ? ' <span class="ephemeral">Only visible to you</span>' : '';
  return `<div class="message${message.visibleTo ? ' only-you' : ''}" data-ts="${html(message.ts)}"><div class="meta"><b>irdr</b> <span class="ts">${html(message.ts)}</span>${edited}${ephemeral}</div>${renderBlocks(message, workspace, viewer)}</div>`;
}

/** The whole page, as `viewer` sees it (their ephemeral messages, nobody else's). */
export function workspacePage(workspace: LocalSlackWorkspace, viewer: string, notice?: string): string {
  const visible = (message: LocalSlackMessage) => message.visibleTo === undefined || message.visibleTo === viewer;
  const users = workspace.users
    .map((user) => `<option value="${html(user.id)}"${user.id === viewer ? ' selected' : ''}>${html(user.realName)} (${html(user.id)})</option>`)
    .join('');
  const channels = workspace.channels
    .map((channel) => {
      const threads = workspace
        .topLevel(channel.id)
        .filter(visible)
        .map((top) => {
          const replies = workspace.replies(channel.id, top.ts).filter(visible);
          const thread = replies.length > 0 ? `<div class="thread"><div class="count">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</div>${replies.map((reply) => renderMessage(reply, workspace, viewer)).join('')}</div>` : '';
          return `<div class="top">${renderMessage(top, workspace, viewer)}${thread}</div>`;
        })
        .join('');
      return `<section class="channel" id="${html(channel.id)}"><h2>#${html(channel.name)} <small>${html(channel.id)}</small></h2>${threads || '<p class="empty">No messages yet.</p>'}</section>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Local Slack: ${html(workspace.teamDomain)}</title><style>
body{font:14px system-ui,sans-serif;margin:1em 2em;color:#1d1c1d}h2 small{color:#888;font-weight:normal}
.top{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.5em}.thread{margin:.4em 0 0 2em;border-left:3px solid #e0e0e0;padding-left:.8em}
.meta{color:#666;font-size:12px}.section{margin:.3em 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:.3em}.context{color:#666;font-size:12px}
.mention{background:#fff3c4;color:#1264a3;border-radius:3px;padding:0 2px}.only-you{background:#f4f4ff}.ephemeral{color:#555;font-style:italic}
.actions form{display:inline}.actions button{margin:.2em;padding:.3em .8em;border-radius:4px;border:1px solid #bbb;background:#fff;cursor:pointer}
.actions button.primary{background:#007a5a;color:#fff}.actions button.danger{background:#e01e5a;color:#fff}.notice{background:#eef;padding:.4em}
</style></head><body><h1>Local Slack · ${html(workspace.teamDomain)} <small>(${html(workspace.teamId)})</small></h1>
<form method="get" action="/"><label>Viewing as <select name="as">${users}</select></label> <button type="submit">Switch</button></form>
${notice ? `<p class="notice" role="status">${html(notice)}</p>` : ''}${channels}</body></html>`;
}
