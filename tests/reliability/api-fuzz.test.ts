import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type HttpRoute } from '../../functions/registry.js';
import { startTestStack, type TestStack } from '../integration/support/stack-session.js';
import { binaryUnit } from '../support/binary-unit.js';

/**
 * Every route of the HTTP API, fuzzed through the real local stack: path parameters, query strings, headers, bodies and
 * callers drawn at random. Whatever arrives, the API never answers 5xx, every 4xx says what to change, and a refused
 * request writes nothing (the whole table is compared before and after). Routes come from the registry, so a new route
 * is fuzzed without anyone remembering to.
 */
const routes: ReadonlyArray<HttpRoute & { functionName: string }> = functionRegistry.flatMap((spec) =>
  ('routes' in spec ? (spec.routes as readonly HttpRoute[]) : []).map((route) => ({ ...route, functionName: spec.name })),
);
const RUNS_PER_ROUTE = Math.ceil(2000 / routes.length);

/** What no id may carry: NUL, CR/LF, ANSI escapes, C1 controls, bidi overrides and isolates, key separators, non-ASCII. */
const hostileCharacter = fc.constantFrom('\u0000', '\r\n', '\u001b[2K', '\u0085', '\u009b', '\u202e', '\u2066', '\u2028', '#', '%', ' ', '"', 'é', '\u{1F600}');
/** Field names the API's bodies use, so generated objects hit the validators' deeper paths, not just "unknown key". */
const FIELD_NAMES = ['runbookId', 'title', 'severity', 'summary', 'source', 'detectedAt', 'awareAt', 'labels', 'mode', 'outcome', 'comment', 'text', 'verdict', 'resolutionSummary', 'summary', 'planId', 'trigger'];
const plausible = fc.oneof(
  fc.constantFrom('security-incident', 'triage-notify', 'SEV1', 'SEV5', 'live', 'exercise', 'done', 'approved', 'rejected', 'accepted', 'exceptions', '2026-11-24T10:00:00Z', '2999-01-01T00:00:00Z', 'not-a-date', ''),
  fc.tuple(fc.string({ maxLength: 10 }), hostileCharacter, fc.string({ maxLength: 10 })).map(([before, character, after]) => `${before}${character}${after}`),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: binaryUnit, maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.string({ minLength: 5000, maxLength: 6000 }),
  // Over DynamoDB's 400 KB item and Step Functions' 256 KB input, as labels would be.
  fc.constant(Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`label-${index}`, 'v'.repeat(256)]))),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  fc.string({ maxLength: 60 }).map((text) => `{${text}`),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), plausible, { maxKeys: 6 }).map((value) => JSON.stringify(value)),
  fc.constant(JSON.stringify(JSON.parse('['.repeat(200) + ']'.repeat(200)))),
);
/** Every length from 1 to well past DynamoDB's key limits (2,048 bytes partition key, 1,024 sort key), id-shaped or not. */
const anyLength = fc.integer({ min: 1, max: 4096 });
const pathValue = fc.oneof(
  fc.constantFrom('security-incident', 'orders-pitr', 'review.post-incident', 'acknowledge', '..', '%2F', 'a/b', ' ', 'INC#1'),
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 30 }),
  anyLength.map((length) => 'a'.repeat(length)),
  anyLength.chain((length) => fc.string({ unit: fc.constantFrom(...'abcdef0123456789-_.'), minLength: length, maxLength: length })),
  fc.tuple(fc.uuid(), hostileCharacter, fc.nat({ max: 36 })).map(([id, character, at]) => `${id.slice(0, at)}${character}${id.slice(at)}`),
  fc.tuple(anyLength, hostileCharacter).map(([length, character]) => `${'a'.repeat(length)}${character}`),
);
const query = fc.dictionary(
  fc.constantFrom('from', 'to', 'limit', 'next', 'after', 'status', 'severity', 'mode', 'x'),
  fc.oneof(fc.constantFrom('2026-11-01', '2026-13-45', '-1', '0', '101', 'open', 'SEV1', 'live', '%', ''), fc.string({ maxLength: 20 })),
  { maxKeys: 4 },
);
const caller = fc.constantFrom('dev-responder', 'dev-commander', 'dev-approver', 'dev-auditor', 'dev-admin', 'dev-outsider', 'not-a-token', undefined);
const headers = fc.record(
  {
    idempotencyKey: fc.oneof(fc.constant(undefined), fc.constant(''), fc.uuid(), fc.string({ maxLength: 20 }), fc.string({ minLength: 256, maxLength: 300 })),
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=utf-8', undefined),
    contentEncoding: fc.constantFrom('gzip', 'br', 'identity', undefined),
  },
  { requiredKeys: [] },
);

const request = fc.record({ pathValues: fc.array(pathValue, { minLength: 3, maxLength: 3 }), query, body, caller, headers });
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

let local: TestStack;
let cases = 0;
/** Item writes the local DynamoDB had applied when the last accepted request's effects had settled. */
let writesBefore: number | undefined;
let targetIncidentId: string;
const rejectedWithoutWrites = { count: 0 };

beforeAll(async () => {
  local = await startTestStack();
  // Something to find: an incident, so ids and lifecycle paths meet real records as well as missing ones.
  const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Fuzz target', severity: 'SEV3', summary: 'for the fuzzer' });
  expect(created.status).toBe(202);
  await local.waitForExecution(created.body.executionArn as string);
  targetIncidentId = created.body.incidentId as string;
});
afterAll(async () => {
  await local?.stop();
});

function urlOf(route: HttpRoute, fuzz: FuzzRequest): string {
  let index = 0;
  const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(fuzz.pathValues[index++] ?? 'x'));
  const search = new URLSearchParams(Object.entries(fuzz.query)).toString();
  return `${local.stack.urls.api}${path}${search ? `?${search}` : ''}`;
}

async function send(route: HttpRoute, fuzz: FuzzRequest): Promise<{ status: number; contentType: string; text: string }> {
  const sent: Record<string, string> = {};
  if (fuzz.caller) sent.authorization = `Bearer ${local.stack.devTokens.tokenForName(fuzz.caller)}`;
  if (fuzz.headers.contentType) sent['content-type'] = fuzz.headers.contentType;
  if (fuzz.headers.contentEncoding) sent['content-encoding'] = fuzz.headers.contentEncoding;
  if (fuzz.headers.idempotencyKey !== undefined) sent['idempotency-key'] = fuzz.headers.idempotencyKey;
  const hasBody = route.method !== 'GET' && fuzz.body !== undefined;
  const response = await fetch(urlOf(route, fuzz), { method: route.method, headers: sent, ...(hasBody && { body: fuzz.body }) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe('HTTP API fuzzing', () => {
  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s: never a 5xx, every 4xx says what to change and writes nothing', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(request, async (fuzz) => {
        cases += 1;
        // The tables as the last case left them: a refusal must leave them so (one read per case, not two).
        writesBefore ??= local.stack.itemWritesApplied();
        const before = writesBefore;
        const answer = await send(route, fuzz);
        expect(answer.status, `${route.method} ${urlOf(route, fuzz)} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        if (answer.status >= 400) {
          if (answer.contentType.includes('json')) {
            const message = (JSON.parse(answer.text) as { message?: unknown }).message;
            expect(typeof message === 'string' && message.length > 0, `${answer.status} without a message: ${answer.text.slice(0, 200)}`).toBe(true);
            // What a refusal quotes back (an id, a key, a field name) is shown, never a control a terminal would act on.
            expect(message as string, `${answer.status} quotes a control character`).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
          } else {
            expect(answer.text.length, `${answer.status} with an empty body`).toBeGreaterThan(0);
          }
          // Counted at the wire as DynamoDB applies them: a write undone again, or one rewriting an item as it was, counts too.
          expect(local.stack.itemWritesApplied(), `${route.method} ${route.path} → ${answer.status} wrote to the table`).toBe(before);
          rejectedWithoutWrites.count += 1;
        } else {
          // A request valid by chance may write: let the run it started settle, and compare the next case with that.
          await local.waitForQuiet();
          writesBefore = local.stack.itemWritesApplied();
        }
      }),
      { numRuns: RUNS_PER_ROUTE, seed: 20261124, endOnFailure: true },
    );
  });

  it('sent at least 2,000 requests across every route, most of them refused', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(cases).toBeGreaterThanOrEqual(2000);
    expect(rejectedWithoutWrites.count).toBeGreaterThan(cases * 0.8);
  });

  it('holds refused requests to a live count: an accepted request that writes moves it', async () => {
    const before = local.stack.itemWritesApplied();
    const noted = await local.api('POST', `/incidents/${targetIncidentId}/notes`, { token: 'dev-responder', body: { text: 'the fuzzer was here' } });
    expect(noted.status, JSON.stringify(noted.body)).toBeLessThan(300);
    await local.waitForQuiet();
    expect(local.stack.itemWritesApplied()).toBeGreaterThan(before);
  });
});
