import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type HttpRoute } from '../../functions/registry.js';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * Hostile requests through the real local stack's HTTP API: each gets a 4xx that says what to change, the table is
 * unchanged (compared whole, before and after), and nothing answers 5xx.
 */

const routes: ReadonlyArray<HttpRoute> = functionRegistry.flatMap((spec) => ('routes' in spec ? (spec.routes as readonly HttpRoute[]) : []));
const routesWithParameters = routes.filter((route) => route.path.includes('{'));

let local: TestStack;
let incidentId: string;

beforeAll(async () => {
  local = await startTestStack();
  const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Hostile input target', severity: 'SEV3', summary: 'for hostile requests' });
  expect(created.status).toBe(202);
  incidentId = created.body.incidentId as string;
  await local.waitForExecution(created.body.executionArn as string);
  await local.waitForQuiet();
});
afterAll(async () => {
  await local?.stop();
});

/** A well-formed value for every parameter but `hostile`, which gets `value`. */
function pathOf(route: HttpRoute, hostile: string, value: string): string {
  const wellFormed: Record<string, string> = {
    incidentId,
    taskId: 'review.post-incident',
    runId: 'no-such-run',
    planId: 'orders-pitr',
    runbookId: 'triage-notify',
    linkId: `${incidentId}.review.post-incident.0.1900000000`,
  };
  return route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(name === hostile ? value : (wellFormed[name] ?? 'x')));
}

/** The link routes as a browser opens them (no identity, a form); every other route as a dev identity, through local.api. */
async function send(route: HttpRoute, path: string): Promise<{ status: number; message: string; contentType: string }> {
  if (route.auth === 'signed-link') {
    const response = await fetch(`${local.stack.urls.api}${path}?sig=${'A'.repeat(43)}`, {
      method: route.method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      ...(route.method === 'POST' && { body: 'outcome=done' }),
    });
    return { status: response.status, message: await response.text(), contentType: response.headers.get('content-type') ?? '' };
  }
  const answer = await local.api(route.method, path, {
    token: 'dev-admin',
    headers: { 'idempotency-key': 'hostile-1' },
    ...(route.method === 'POST' && { rawBody: '{"verdict":"accepted","outcome":"done","text":"x"}' }),
  });
  return { status: answer.status, message: String(answer.body.message), contentType: answer.headers.get('content-type') ?? '' };
}

describe('path parameters: every one of every route is checked in the shell', () => {
  const hostileValues: ReadonlyArray<[string, string]> = [
    ['1,025 characters (over a sort key)', 'a'.repeat(1025)],
    ['2,049 characters (over a partition key)', 'a'.repeat(2049)],
    ['3,000 characters', 'a'.repeat(3000)],
    ['a NUL', 'abc\u0000def'],
    ['CR/LF', 'abc\r\nBcc: x@example.com'],
    ['an ANSI escape', '\u001b[2Kabc'],
    ['a bidi override', 'abc\u202edef'],
    ['a key separator', 'INC#1'],
    ['a space', 'a b'],
  ];
  const cases = routesWithParameters.flatMap((route) =>
    [...route.path.matchAll(/\{([^}]+)\}/g)].flatMap(([, name]) => hostileValues.map(([what, value]) => [`${route.method} ${route.path}: ${name} with ${what}`, route, name!, value] as const)),
  );

  it.each(cases)('%s → 404 naming what an id looks like, nothing written', async (_name, route, name, value) => {
    const before = await local.tableItems();
    const answer = await send(route, pathOf(route, name, value));
    expect(answer.status, answer.message.slice(0, 300)).toBe(404);
    if (route.auth === 'signed-link') {
      expect(answer.contentType).toMatch(/^text\/html/);
      expect(answer.message).toContain('open the link exactly as it arrived in your email');
    } else {
      const { message } = answer;
      expect(message).toMatch(/can have the id .*: an? .* id is|can have the id .*: a task id is/);
      // Never the whole 3,000 characters, never a raw control character.
      expect(message.length).toBeLessThan(400);
      expect(message).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    }
    expect(await local.tableItems()).toEqual(before);
  });

  it('still finds what a well-formed id names', async () => {
    expect((await local.api('GET', `/incidents/${incidentId}`)).status).toBe(200);
    expect((await local.api('GET', `/incidents/${incidentId}/tasks`)).status).toBe(200);
    const missing = await local.api('GET', '/incidents/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/no incident with id/);
  });
});

describe('bodies: a JSON route reads UTF-8 JSON, labelled as such, uncompressed', () => {
  const incident = { runbookId: 'triage-notify', title: 'Labelled wrongly', severity: 'SEV3', summary: 'valid JSON, wrong label' };
  const labels: ReadonlyArray<[string, Record<string, string>, RegExp]> = [
    ['text/plain', { 'content-type': 'text/plain' }, /"text\/plain" body is not accepted here: send Content-Type: application\/json/],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, /"application\/x-www-form-urlencoded" body is not accepted here: send Content-Type: application\/json/],
    ['no Content-Type', { 'content-type': '' }, /the body has no Content-Type: send Content-Type: application\/json/],
    ['charset=utf-16', { 'content-type': 'application/json; charset=utf-16' }, /charset "utf-16" is not accepted: send Content-Type: application\/json \(UTF-8\)/],
    ['Content-Encoding: gzip on a plain body', { 'content-encoding': 'gzip' }, /Content-Encoding "gzip" is not accepted: .* with no Content-Encoding/],
  ];
  it.each(labels)('POST /incidents with %s → 415 naming what to send, nothing written', async (_name, headers, message) => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const answer = await local.api('POST', '/incidents', { body: incident, headers: { 'idempotency-key': `label-${_name}`, ...headers } });
    expect(answer.status).toBe(415);
    expect(answer.body.message).toMatch(message);
    expect(await local.tableItems()).toEqual(before);
  });

  it.each([
    ['POST', '/incidents/{id}/notes', { text: 'a note' }],
    ['POST', '/incidents/{id}/resolve', { summary: 'fixed' }],
    ['POST', '/incidents/{id}/sign-off', { verdict: 'accepted' }],
    ['POST', '/incidents/{id}/tasks/review.post-incident/complete', { outcome: 'done' }],
  ] as const)('%s %s with text/plain → 415, nothing written', async (method, path, body) => {
    const before = await local.tableItems();
    const answer = await local.api(method, path.replace('{id}', incidentId), { token: 'dev-admin', body, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(answer.status).toBe(415);
    expect(answer.body.message).toMatch(/send Content-Type: application\/json/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('still takes application/json; charset=UTF-8 (any case), and a body-less GET whatever it is labelled', async () => {
    const answer = await local.api('POST', '/incidents', { body: incident, headers: { 'idempotency-key': 'label-ok', 'content-type': 'Application/JSON; Charset="UTF-8"' } });
    expect(answer.status).toBe(202);
    await local.waitForQuiet();
    expect((await local.api('GET', `/incidents/${incidentId}`, { headers: { 'content-type': 'text/plain' } })).status).toBe(200);
  });

  it('the emailed link’s form takes a form, not JSON: a page saying so (415), nothing written', async () => {
    const before = await local.tableItems();
    const response = await fetch(`${local.stack.urls.api}/task-links/${incidentId}.review.post-incident.0.1900000000?sig=${'A'.repeat(43)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"outcome":"done"}',
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('send Content-Type: application/x-www-form-urlencoded (UTF-8)');
    expect(await local.tableItems()).toEqual(before);
  });
});

describe('page positions a caller hands back: bounded before they reach a key condition', () => {
  it('GET /drills/{planId}/runs?after= of 3,000 characters → 400 saying what after is, nothing written', async () => {
    const before = await local.tableItems();
    const answer = await local.api('GET', `/drills/orders-pitr/runs?after=${encodeURIComponent(`2026-12-01T00:00:00.000Z#${'a'.repeat(3000)}`)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/after: the `next` value of a previous page/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('GET /incidents?nextToken= forged with a start key over DynamoDB’s sort-key limit → 400 saying to drop it', async () => {
    const listed = await local.api('GET', '/incidents?limit=1');
    expect(listed.status).toBe(200);
    const token = JSON.parse(Buffer.from(listed.body.nextToken as string, 'base64url').toString('utf8'));
    // Over the 1,024 bytes a sort key may have, yet well inside nextToken's 4,096 characters.
    token.position.startKey.GSI1SK = `${token.position.startKey.GSI1SK}${'a'.repeat(1100)}`;
    const forged = Buffer.from(JSON.stringify(token)).toString('base64url');
    const answer = await local.api('GET', `/incidents?limit=1&nextToken=${forged}`);
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(400);
    expect(answer.body.message).toMatch(/nextToken/);
  });
});

/** What a terminal or a mail header acts on: NUL, CR/LF, ESC (ANSI), a C1 CSI, bidi overrides and isolates. */
const CONTROLS: ReadonlyArray<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['CR/LF with a Bcc header', 'Alert\r\nBcc: everyone@example.com'],
  ['an ANSI erase-line', '\u001b[2K\u001b[1Aall clear'],
  ['a C1 CSI', 'a\u009b31mb'],
  ['a right-to-left override', 'invoice\u202etxt.exe'],
  ['a first-strong isolate', 'a\u2068b'],
];

describe('text fields: plain text only; single-line fields take no line break either', () => {
  const incident = { runbookId: 'triage-notify', title: 'Plain title', severity: 'SEV3', summary: 'plain summary' };

  it.each(CONTROLS)('POST /incidents with %s in the title → 400 naming the character and where, nothing written', async (_name, text) => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const answer = await local.openIncident({ ...incident, title: text });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^invalid request: title: remove a (control character|line break|bidi control) \(U\+[0-9A-F]{4}\) at character \d+: this field takes one line of plain text$/);
    expect(await local.tableItems()).toEqual(before);
  });

  it.each([
    ['summary', { summary: 'fine\n\u001b[31mred' }, /summary: remove a control character \(U\+001B\) at character 6: this field takes plain text \(line breaks and tabs are fine\)/],
    ['summary', { summary: 'a\u202eb' }, /summary: remove a bidi control \(U\+202E\)/],
    ['summary', { summary: 'a lone CR\rover' }, /summary: remove a line break \(U\+000D\)/],
    ['source', { source: 'guardduty\u0000' }, /source: remove a control character \(U\+0000\)/],
    ['a label', { labels: { ticket: 'SEC-1\nBcc: x' } }, /labels.ticket: remove a line break \(U\+000A\)/],
    ['a label name', { labels: { 'tick\u001bet': 'SEC-1' } }, /labels\.tick\\u001bet: the name: remove a control character \(U\+001B\) at character 5/],
    ['runbookId', { runbookId: 'triage-notify\r\n' }, /runbookId: remove a line break/],
  ])('POST /incidents with a control in %s → 400, nothing written', async (_name, change, message) => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const answer = await local.openIncident({ ...incident, ...change });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect(await local.tableItems()).toEqual(before);
  });

  it('takes line breaks (LF, CRLF) and tabs in a summary, and non-Latin text anywhere', async () => {
    const answer = await local.openIncident({ ...incident, title: 'Accès refusé — 東京 — مرحبا', summary: 'first line\r\nsecond\tline\nthird' });
    expect(answer.status).toBe(202);
    await local.waitForQuiet();
  });

  it.each([
    ['POST', '/incidents/{id}/notes', { text: 'note\u001b[2K' }, /text: remove a control character \(U\+001B\)/],
    ['POST', '/incidents/{id}/resolve', { summary: 'fixed\u202e' }, /summary: remove a bidi control \(U\+202E\)/],
    ['POST', '/incidents/{id}/sign-off', { verdict: 'exceptions', comment: 'see\u0000' }, /comment: remove a control character \(U\+0000\)/],
    ['POST', '/incidents/{id}/tasks/review.post-incident/complete', { outcome: 'done', comment: 'ok\u009b' }, /comment: remove a control character \(U\+009B\)/],
    ['POST', '/drill-runs/no-such-run/sign-off', { verdict: 'exceptions', comment: 'x\u2066' }, /comment: remove a bidi control \(U\+2066\)/],
  ] as const)('%s %s with a control in its text → 400, nothing written', async (method, path, body, message) => {
    const before = await local.tableItems();
    const answer = await local.api(method, path.replace('{id}', incidentId), { token: 'dev-admin', body });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect(await local.tableItems()).toEqual(before);
  });

  it('a note keeps its line breaks', async () => {
    const answer = await local.api('POST', `/incidents/${incidentId}/notes`, { body: { text: 'line one\nline two' } });
    expect(answer.status).toBe(201);
  });
});

describe('what is printed from data: the CLI escapes it, a mail subject stays one line', () => {
  const hostileTitle = 'Disk full\u001b[2K\r\u001b[32mall clear\u009b0m \u202eexe.pdf\u0000';
  const unescaped = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('irdr incidents list / show / show --json / review print a stored hostile title as \\u escapes, never raw', async () => {
    // A record written before titles were checked (or by a finding): set straight in the table, as no request can now.
    await local.dynamodb.send(
      new UpdateItemCommand({
        TableName: local.stack.tableName,
        Key: { PK: { S: `INC#${incidentId}` }, SK: { S: 'META' } },
        UpdateExpression: 'SET #title = :title, #summary = :summary',
        ExpressionAttributeNames: { '#title': 'title', '#summary': 'summary' },
        ExpressionAttributeValues: { ':title': { S: hostileTitle }, ':summary': { S: `line one\nline two \u001b]0;pwned\u0007` } },
      }),
    );
    const env = { IRDR_TOKEN: 'dev-auditor' };
    for (const args of [['incidents', 'list'], ['incidents', 'show', incidentId], ['incidents', 'show', incidentId, '--json'], ['incidents', 'review', incidentId]]) {
      const { code, output } = await runIrdr(local, args, env);
      expect(code, `${args.join(' ')}: ${output}`).toBe(0);
      expect(output, args.join(' ')).not.toMatch(unescaped);
      expect(output, args.join(' ')).not.toContain('\r');
      expect(output, args.join(' ')).toContain('\\u001b[2K');
    }
    const shown = await runIrdr(local, ['incidents', 'show', incidentId, '--json'], env);
    // Still JSON, holding the same title: the escapes are JSON's own.
    expect((JSON.parse(shown.output) as { incident: { title: string } }).incident.title).toBe(hostileTitle);
  });

  it('an email subject built from a hostile title is one line: no Bcc header can be injected', async () => {
    const { sendEmail } = await import('../../functions/aws/mailer.js');
    const subject = `[SEV1] Alert\r\nBcc: everyone@example.com\u0085X-Injected: yes`;
    await sendEmail({ from: 'irdr@example.com', to: ['oncall@example.com'], subject, text: 'body' });
    const sent = (await local.mailbox()).find((email) => email.subject.startsWith('[SEV1] Alert'));
    expect(sent?.subject).toBe('[SEV1] Alert Bcc: everyone@example.com X-Injected: yes');
    expect(sent?.destination.to).toEqual(['oncall@example.com']);
  });
});

describe('stated times: none in the future, awareness not before detection', () => {
  const incident = { runbookId: 'triage-notify', title: 'Timed', severity: 'SEV3', summary: 'stated times' };
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  it.each([
    ['detectedAt in 2999', { detectedAt: '2999-01-01T00:00:00Z' }, /^invalid request: detectedAt: 2999-01-01T00:00:00Z is in the future \(this system's time is .*, give or take 5 minutes\): send when it happened$/],
    ['awareAt in 2999', { awareAt: '2999-01-01T00:00:00Z' }, /awareAt: 2999-01-01T00:00:00Z is in the future/],
    ['awareAt an hour ahead', { awareAt: inMinutes(60) }, /awareAt: .* is in the future/],
    ['awareAt ahead, written with an offset', { awareAt: new Date(Date.now() + 3_600_000).toISOString().replace('Z', '+00:00') }, /awareAt: .* is in the future/],
    ['awareAt before detectedAt', { detectedAt: '2026-11-20T08:00:00Z', awareAt: '2026-11-20T07:59:59Z' }, /awareAt: 2026-11-20T07:59:59Z is before detectedAt \(2026-11-20T08:00:00Z\): .*send awareAt at or after detectedAt/],
    ['the same instant, the later one in another zone', { detectedAt: '2026-11-20T09:00:00+01:00', awareAt: '2026-11-20T07:30:00Z' }, /awareAt: .* is before detectedAt/],
  ])('POST /incidents with %s → 400 saying what to send, nothing written', async (_name, times, message) => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const answer = await local.openIncident({ ...incident, ...times });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect(await local.tableItems()).toEqual(before);
  });

  it('takes a time a little ahead (clock skew within 5 minutes), and awareness at or after detection', async () => {
    const skewed = await local.openIncident({ ...incident, detectedAt: inMinutes(-10), awareAt: inMinutes(2) });
    expect(skewed.status).toBe(202);
    const same = await local.openIncident({ ...incident, detectedAt: '2026-11-20T08:00:00Z', awareAt: '2026-11-20T09:00:00+01:00' });
    expect(same.status).toBe(202);
    await local.waitForQuiet();
  });
});

describe('sizes DynamoDB and Step Functions would refuse', () => {
  it('POST /incidents with 2,000 labels (an item over 400 KB, an execution input over 256 KB) → 400 saying how many, nothing written', async () => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const labels = Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`label-${index}`, 'v'.repeat(256)]));
    const answer = await local.openIncident({ runbookId: 'triage-notify', title: 'Many labels', severity: 'SEV3', summary: 'too many labels', labels });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(400);
    expect(answer.body.message).toMatch(/labels: at most 50 labels/);
    expect(await local.tableItems()).toEqual(before);
  });
});

// Findings open credential-compromise runs that wait for people: these come last, as no later test compares the table.
describe('a finding that states a future time', () => {
  it('still opens its incident, counting from when it opened rather than from the year 2999', async () => {
    const future = structuredClone(guardDutySample);
    future.detail.id = 'future0000000000000000000000000f';
    future.detail.createdAt = '2999-01-01T00:00:00.000Z';
    future.detail.service.eventFirstSeen = '2999-01-01T00:00:00.000Z';
    const delivery = await local.stack.events.deliver(future as unknown as BusEvent);
    const [finding] = (delivery.deliveries[0]!.result as { findings: Array<{ outcome: string; incidentId: string }> }).findings;
    expect(finding?.outcome).toBe('opened');
    const view = await local.api('GET', `/incidents/${finding!.incidentId}`);
    expect(view.body.incident.title).toBe(guardDutySample.detail.title);
    expect(view.body.incident.detectedAt).toBeUndefined();
    // The trail keeps what the finding said.
    expect(view.body.events[0]).toMatchObject({ type: 'incident.opened', detail: { futureTimesDropped: { detectedAt: '2999-01-01T00:00:00.000Z' } } });
  });
});

describe('what a refusal quotes back is printable', () => {
  it('an unknown query parameter or body field named with an ANSI escape or bidi override is quoted as \\u escapes', async () => {
    const answer = await local.api('GET', `/incidents?${encodeURIComponent('\u001b[2Kx')}=1`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('\\u001b[2Kx');
    expect(answer.body.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const body = await local.openIncident({ runbookId: 'triage-notify', title: 't', severity: 'SEV3', summary: 's', ['\u202ekey']: 1 });
    expect(body.status).toBe(400);
    expect(body.body.message).toContain('\\u202ekey');
    expect(body.body.message).not.toMatch(/[\u202a-\u202e]/);
  });

  it('an Idempotency-Key holding a C1 control is quoted as \\u009b when it conflicts', async () => {
    const key = `key-\u009b31m-${Date.now()}`;
    const incident = { runbookId: 'triage-notify', title: 'Keyed', severity: 'SEV3', summary: 'first body' };
    expect((await local.openIncident(incident, { idempotencyKey: key })).status).toBe(202);
    const conflict = await local.openIncident({ ...incident, summary: 'another body' }, { idempotencyKey: key });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toContain('key-\\u009b31m-');
    expect(conflict.body.message).not.toMatch(/[\u0080-\u009f]/);
  });
});


describe('ids that name what every object inherits', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('POST /incidents with runbookId %j → 400 naming the runbooks there are, nothing written', async (runbookId) => {
    // Runbooks of this file's earlier incidents may still append to their own trails (some wait for people): what this
    // request must not write is a record of its own (a new partition) or an idempotency record.
    const partitions = async () => new Set((await local.evidenceItems()).map((item) => item.PK!.S)).size;
    const [partitionsBefore, deduplicationBefore] = [await partitions(), await local.deduplicationItems()];
    const response = await local.openIncident({ runbookId, title: 'Inherited name', severity: 'SEV4', summary: 'not a runbook' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(new RegExp(`unknown runbookId "${runbookId}"; use one of: .*triage-notify`));
    expect(await partitions()).toBe(partitionsBefore);
    expect(await local.deduplicationItems()).toEqual(deduplicationBefore);
  });
});
