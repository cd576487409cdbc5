import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionRegistry, type HttpRoute } from '../../functions/registry.js';
import { PATH_PARAMETER_RULES, isPathParameterName, refusedPathParameter } from '../../functions/domain/path-parameters.js';
import { refusedRequestContent } from '../../functions/domain/request-content.js';
import { parseTaskLinkId, taskLinkId } from '../../functions/domain/task-link.js';
import { loadRunbooks } from '../../workflows/load-runbooks.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { binaryUnit } from '../support/binary-unit.js';

const routes: readonly HttpRoute[] = functionRegistry.flatMap((spec) => ('routes' in spec ? (spec.routes as readonly HttpRoute[]) : []));

describe('path parameters', () => {
  it('has a rule for every parameter of every route in the registry', () => {
    const names = routes.flatMap((route) => [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name!));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !isPathParameterName(name))).toEqual([]);
  });

  it('accepts every id the system makes: UUIDs, the runbooks’ step ids and ids, the plans’ ids, run ids, link ids', () => {
    const runbooks = loadRunbooks();
    const plans = loadDrillPlans();
    // Every step, however deep in branches: an object with a string id and a type.
    const stepIds = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(stepIds)
        : value && typeof value === 'object'
          ? [...('id' in value && 'type' in value && typeof value.id === 'string' ? [value.id] : []), ...Object.values(value).flatMap(stepIds)]
          : [];
    const valid = {
      incidentId: [crypto.randomUUID(), '8a3f0c1e-0000-8000-8000-000000000000'],
      taskId: ['review.post-incident', ...runbooks.flatMap((runbook) => stepIds(runbook.steps))],
      runbookId: runbooks.map((runbook) => runbook.id),
      planId: plans.map((plan) => plan.id),
      runId: [crypto.randomUUID(), 'sched_2026-12-07'],
      linkId: [taskLinkId({ incidentId: crypto.randomUUID(), taskId: 'review.post-incident', recipientIndex: 3, expiresAt: 1_900_000_000 })],
    };
    for (const [name, values] of Object.entries(valid)) {
      expect(values.length, name).toBeGreaterThan(0);
      for (const value of values) expect(refusedPathParameter({ [name]: value }), `${name} ${value}`).toBeUndefined();
    }
  });

  it('refuses every value over DynamoDB’s key limits, or with a character outside the id’s alphabet, saying what an id is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(PATH_PARAMETER_RULES) as Array<keyof typeof PATH_PARAMETER_RULES>)),
        fc.oneof(fc.string({ minLength: 181, maxLength: 4000 }), fc.string({ unit: binaryUnit, minLength: 1, maxLength: 60 }).filter((text) => /[^A-Za-z0-9._-]/.test(text))),
        (name, value) => {
          const refusal = refusedPathParameter({ [name]: value });
          expect(refusal?.parameter).toBe(name);
          expect(refusal?.message).toContain(PATH_PARAMETER_RULES[name].allowed);
          expect(refusal!.message.length).toBeLessThan(400);
          expect(refusal!.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a parameter this API does not define rather than letting it through', () => {
    expect(refusedPathParameter({ proxy: 'a' })?.message).toMatch(/not one this API defines/);
  });

  it('reads link ids as before (the same pattern, now shared)', () => {
    expect(parseTaskLinkId('abc-1.review.post-incident.0.1900000000')).toEqual({ incidentId: 'abc-1', taskId: 'review.post-incident', recipientIndex: 0, expiresAt: 1_900_000_000 });
    expect(parseTaskLinkId('abc#1.review.0.1900000000')).toBeUndefined();
  });
});

describe('request content', () => {
  const headers = (given: Record<string, string>) => (name: string) => given[name];
  it('reads JSON labelled application/json, UTF-8 or no charset, any case', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"', 'application/json; charset=utf8']) {
      expect(refusedRequestContent(headers({ 'content-type': type }), true, 'application/json'), type).toBeUndefined();
    }
    expect(refusedRequestContent(headers({ 'content-type': 'application/json', 'content-encoding': 'identity' }), true, 'application/json')).toBeUndefined();
  });
  it.each([
    [{ 'content-type': 'text/plain' }, /"text\/plain" body is not accepted/],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, /not accepted here: send Content-Type: application\/json/],
    [{ 'content-type': 'application/json; charset=utf-16' }, /charset "utf-16" is not accepted/],
    [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, /Content-Encoding "gzip" is not accepted/],
    [{ 'content-type': 'application/jsonx' }, /not accepted here/],
    [{}, /has no Content-Type/],
  ])('refuses %j with 415 saying what to send', (given, message) => {
    const refusal = refusedRequestContent(headers(given), true, 'application/json');
    expect(refusal?.statusCode).toBe(415);
    expect(refusal?.message).toMatch(message);
    expect(refusal?.message).toContain('send Content-Type: application/json (UTF-8), uncompressed');
  });
  it('asks nothing of a request without a body, and reads a form where a form is expected', () => {
    expect(refusedRequestContent(headers({ 'content-type': 'text/plain', 'content-encoding': 'gzip' }), false, 'application/json')).toBeUndefined();
    expect(refusedRequestContent(headers({ 'content-type': 'application/x-www-form-urlencoded' }), true, 'application/x-www-form-urlencoded')).toBeUndefined();
    expect(refusedRequestContent(headers({ 'content-type': 'application/json' }), true, 'application/x-www-form-urlencoded')?.statusCode).toBe(415);
  });
});
