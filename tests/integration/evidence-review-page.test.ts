import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';

let local: TestStack;
let resolvedId: string;
let openId: string;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60 });
  const ids: string[] = [];
  for (const title of ['Review page: resolved', 'Review page: <still> open']) {
    const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV3', summary: 'for the review page' });
    await local.waitForExecution(created.body.executionArn as string);
    ids.push(created.body.incidentId as string);
  }
  [resolvedId, openId] = ids as [string, string];
  expect((await local.api('POST', `/incidents/${resolvedId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
});
afterAll(async () => {
  await local?.stop();
});

const page = (path: string, init?: RequestInit) => fetch(`${local.stack.urls.api}${path}`, init);

describe('the local review pages', () => {
  it('show the period: trails verified, what awaits sign-off, its incidents (values escaped), and link the report', async () => {
    const response = await page('/review');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const text = await response.text();
    expect(text).toMatch(/All 2 trails \(\d+ events\) verified: every hash chain intact\./);
    expect(text).toContain('as Otto (compliance auditor, read-only)');
    // Resolved and not signed off: awaiting review. Still open: listed as an incident, not awaiting review.
    const awaiting = text.slice(text.indexOf('<h2>Awaiting sign-off</h2>'), text.indexOf('<h2>Incidents opened'));
    expect(awaiting).toContain(resolvedId);
    expect(awaiting).not.toContain(openId);
    expect(text).toContain('Review page: &lt;still&gt; open');
    const reportHref = /<a href="([^"]+)">The evidence report/.exec(text)?.[1]?.replaceAll('&amp;', '&');
    expect(reportHref).toMatch(/^\/review\/report\?from=/);

    const report = await page(reportHref!);
    expect(report.status).toBe(200);
    const reportText = await report.text();
    expect(reportText).toMatch(/^<!doctype html>/i);
    expect(reportText).toContain(resolvedId);
  });

  it('are read-only and say what is wrong with a period', async () => {
    const before = await local.tableItems();
    const posted = await page('/review', { method: 'POST', body: 'verdict=accepted' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    const badPeriod = await page('/review?from=2020-01-01&to=2026-01-01');
    expect(badPeriod.status).toBe(400);
    expect(await badPeriod.text()).toContain('the period may span at most 366 days');
    expect(await local.tableItems()).toEqual(before);
  });
});
