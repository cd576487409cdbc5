import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { eventSk, incidentPk } from '../../functions/domain/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * The console (console/, served by the local stack at /console/) in a real browser, under its own
 * Content-Security-Policy: a responder's day, the role checks the API makes shown as they are, an outsider refused,
 * and axe-core's serious and critical findings on every page. One stack and one browser for the file.
 */
const SOURCE = 'irdr-console-orders';
const plans = [testPlan({ id: 'console-pitr', title: 'Console orders PITR', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })];

describe('console in a browser', () => {
  let local: TestStack;
  let browser: Browser;
  let axeSource: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    [local, browser, axeSource] = await Promise.all([
      startTestStack({ timeScale: 60, drillPlans: plans, dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } }),
      launchBrowser(),
      readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'),
    ]);
    await drillSession(local).restorableSource(SOURCE, 5);
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  });

  /** Waits for what the page shows (an API call and a render), with room for a loaded machine. */
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
  const consoleUrl = () => local.stack.environment['IRDR_CONSOLE_URL']!;

  let page: Page;
  /** Acts as the dev identity with this display name, through the picker (Switch identity first if someone is signed in). */
  async function actAs(displayName: string): Promise<Page> {
    if (!page) {
      // One tab for the file (the @sparticuz build runs single-process: closing a tab can take the browser with it).
      page = await browser.newPage();
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(consoleUrl());
      // The picker is a page too: axe-core holds it to the same bar.
      await page.getByRole('button', { name: displayName }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    } else {
      await page.getByRole('button', { name: 'Switch identity' }).click();
    }
    await page.getByRole('button', { name: displayName }).click();
    await poll(() => page.getByTestId('acting-as').textContent()).toBe(displayName);
    return page;
  }

  /** axe-core's serious and critical violations on the page as it stands (run through DevTools, not an inline script the CSP would block). */
  async function seriousViolations(page: Page): Promise<string[]> {
    await page.evaluate(axeSource);
    const results = (await page.evaluate('axe.run(document)')) as { violations: Array<{ id: string; impact: string; nodes: unknown[] }> };
    return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.nodes.length})`);
  }

  const refreshUntil = async (page: Page, visible: () => Promise<number>, refresh = 'Refresh') => {
    await expect.poll(async () => {
      if ((await visible()) > 0) return true;
      await page.getByRole('button', { name: refresh, exact: true }).click();
      return false;
    }, { timeout: 30_000, interval: 200 }).toBe(true);
  };

  it("a responder's day: open, acknowledge, a task the API refuses her, the commander's, contain by keyboard, resolve", async () => {
    let rita = await actAs('Rita (on-call responder)');
    expect(await seriousViolations(rita)).toEqual([]);

    await rita.getByText('Open an incident').click();
    const form = rita.locator('details.open-incident form');
    await form.getByLabel('Runbook').selectOption('security-incident');
    await form.getByLabel('Title').fill('Console login from an unknown country');
    await form.getByLabel('Severity').selectOption('SEV2');
    await form.getByLabel('Summary').fill('GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin');
    await form.getByRole('button', { name: 'Open incident' }).click();
    const opened = rita.getByRole('status').filter({ hasText: 'Opened' }).getByRole('link');
    const incidentId = (await opened.textContent())!;
    // The board lists it, with its acknowledgement clock counting down once the run started it.
    const row = rita.getByRole('row', { name: /Console login from an unknown country/ });
    await refreshUntil(rita, async () => (/Acknowledge within one hour: (overdue by )?\d+ [hm] \d+ [ms]/.test((await row.textContent()) ?? '') ? 1 : 0));

    await opened.click();
    await poll(() => rita.getByRole('heading', { level: 1 }).textContent()).toBe('Console login from an unknown country');
    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Acknowledge the incident' }).count());
    expect(await seriousViolations(rita)).toEqual([]);
    await rita.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await poll(() => rita.getByTestId('incident-status').textContent()).toBe('acknowledged');

    // The next task is the commander's: the console offers it, the API refuses Rita, and says why.
    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Take command of the incident' }).count());
    await rita.getByRole('button', { name: 'Complete Take command of the incident' }).click();
    await poll(() => rita.getByRole('alert').textContent()).toMatch(/commander/);
    expect((await local.api('GET', `/incidents/${incidentId}/tasks`)).body.tasks.find((task: { stepId: string }) => task.stepId === 'assign-commander').status).toBe('open');

    const carl = await actAs('Carl (incident commander)');
    await carl.getByRole('link', { name: 'Incidents', exact: true }).click();
    await carl.getByRole('link', { name: 'Console login from an unknown country' }).click();
    await carl.getByRole('button', { name: 'Complete Take command of the incident' }).click();
    await refreshUntil(carl, () => carl.getByText(/Take command of the incident: completed/).count());
    rita = await actAs('Rita (on-call responder)');

    // Contain, by keyboard alone: Tab to the button, Enter.
    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Contain the incident' }).count());
    const contain = 'Complete Contain the incident';
    for (let presses = 0; presses < 80; presses += 1) {
      await rita.keyboard.press('Tab');
      if ((await rita.evaluate('document.activeElement?.textContent ?? ""')) === contain) break;
    }
    expect(await rita.evaluate('document.activeElement?.textContent')).toBe(contain);
    await rita.keyboard.press('Enter');
    await refreshUntil(rita, () => rita.getByText(/Contain the incident: completed/).count());

    await rita.getByLabel('Resolution summary').fill('Password reset, MFA enforced');
    await rita.getByRole('button', { name: 'Resolve' }).click();
    await poll(() => rita.getByTestId('incident-status').textContent()).toBe('resolved');
    await poll(() => rita.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact: \d+ events/);

    const incident = (await local.api('GET', `/incidents/${incidentId}`)).body.incident;
    expect(incident).toMatchObject({ status: 'resolved', resolutionSummary: 'Password reset, MFA enforced', acknowledgedBy: expect.stringContaining('rita-responder') });
    expect(cspViolations).toEqual([]);
  });

  it('an outsider is refused by the API, and the picker gives no token without this start’s key', async () => {
    const oz = await actAs('Oz (an IAM user in no irdr role)');
    await poll(() => oz.getByRole('alert').textContent()).toMatch(/role|403|Forbidden/i);
    expect(await oz.locator('table.board').count()).toBe(0);

    const identitiesUrl = `${new URL(consoleUrl()).origin}/console/dev-identities`;
    expect((await fetch(identitiesUrl)).status).toBe(403);
    expect((await fetch(identitiesUrl, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenOf('dev-admin')}` } })).status).toBe(403);
    const key = new URL(consoleUrl()).hash.replace('#key=', '');
    expect((await fetch(identitiesUrl, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('drills: the auditor may not run one (the API says so); the responder runs one and watches it to its report', async () => {
    const otto = await actAs('Otto (compliance auditor, read-only)');
    await otto.getByRole('link', { name: 'Drills', exact: true }).click();
    const row = otto.getByRole('row', { name: /console-pitr/ });
    await row.getByRole('button', { name: /^Run now/ }).click();
    await poll(() => row.getByRole('alert').textContent()).toMatch(/responder|commander|role/i);
    expect(await seriousViolations(otto)).toEqual([]);

    const rita = await actAs('Rita (on-call responder)');
    await rita.getByRole('row', { name: /console-pitr/ }).getByRole('button', { name: /^Run now/ }).click();
    await rita.getByRole('link', { name: 'watch the run' }).click();
    // The page reads the run again while it goes on: no refreshing by hand.
    await expect.poll(() => rita.getByTestId('run-status').textContent(), { timeout: 60_000, interval: 250 }).toBe('passed');
    // Each check, expected against actual; the restored table cleaned up; the trail's chain recomputed here.
    const check = rita.getByRole('row', { name: /item-count/ });
    expect(await check.textContent()).toMatch(/^item-count \(item-count\)passed(\d+) items \(±1%\).*\)\1 items$/);
    expect(await rita.getByTestId('run-cleanup').textContent()).toBe('DELETED');
    await poll(() => rita.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact/);
    expect(await seriousViolations(rita)).toEqual([]);

    // Back on the plans, the plan's trend charts the run's achieved RTO against its target (its figures in the label).
    await rita.getByRole('link', { name: '← Drills' }).click();
    const trend = rita.getByRole('row', { name: /console-pitr/ }).getByRole('img');
    // Coverage by type: the drilled table counts as drilled.
    const dynamodb = rita.getByRole('region', { name: /Coverage by resource type/ }).getByRole('row', { name: /DynamoDB/ });
    await poll(() => dynamodb.count()).toBe(1);
    expect(Number((await dynamodb.locator('td').nth(1).textContent()) ?? 0)).toBeGreaterThanOrEqual(1);
    await poll(() => trend.getAttribute('aria-label')).toMatch(/^RTO of the last 1 runs, oldest first: \d+ m \d+ s \(target \d+ (h|m) /);
    expect(await seriousViolations(rita)).toEqual([]);
  });

  it("evidence: the auditor signs off a resolved incident and a drill run (not a SEV2 awaiting its review) and downloads the period's export; a hostile title stays text", async () => {
    const hostile = '<img src=x onerror="document.title=\'pwned\'">Phish';
    const opened = await local.openIncident({ runbookId: 'triage-notify', title: hostile, severity: 'SEV4', summary: '<script>alert(1)</script>' });
    await local.api('POST', `/incidents/${opened.body.incidentId}/resolve`, { body: {} });

    const otto = await actAs('Otto (compliance auditor, read-only)');
    await otto.getByRole('link', { name: 'Evidence', exact: true }).click();
    await poll(() => otto.getByRole('status').filter({ hasText: 'trails' }).textContent()).toMatch(/every hash chain intact/);
    // The day's SEV2 awaits its post-incident review: the API refuses the sign-off and the page says why.
    // The hostile title is listed as the characters it is: no image element, the page title untouched.
    expect(await otto.getByRole('row', { name: /Phish/ }).textContent()).toContain('<img src=x');
    const day = otto.getByRole('row', { name: /Console login from an unknown country/ });
    await day.getByRole('button', { name: /^Accept Console login/ }).click();
    await poll(() => day.getByRole('alert').textContent()).toMatch(/review/i);
    const row = otto.getByRole('row', { name: /Phish/ });
    await row.getByRole('button', { name: /^Accept (?!with)/ }).click();
    await poll(() => row.count()).toBe(0);
    const run = otto.getByRole('row', { name: /Console orders PITR|console-pitr/ });
    await run.getByRole('button', { name: /^Accept (?!with)/ }).click();
    await poll(() => run.count()).toBe(0);
    expect(await otto.locator('main img').count()).toBe(0);
    expect(await otto.title()).not.toBe('pwned');
    expect(await seriousViolations(otto)).toEqual([]);

    await otto.getByRole('button', { name: 'Request export' }).click();
    const link = otto.getByRole('link', { name: /^Download / });
    await poll(() => link.count()).toBe(1);
    const [download] = await Promise.all([otto.waitForEvent('download'), link.click()]);
    const zip = await download.createReadStream().then(async (stream) => Buffer.concat(await stream.toArray()));
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/^irdr-evidence_.*\.zip$/);
    expect(cspViolations).toEqual([]);
  });

  it('a commander reclassifies; then an event edited in the table after the fact shows as a broken chain, recomputed in the browser', async () => {
    const opened = await local.openIncident({ runbookId: 'triage-notify', title: 'Quietly rewritten', severity: 'SEV4', summary: 'an insider edits the trail' });
    const incidentId = opened.body.incidentId as string;
    await local.waitForExecution(opened.body.executionArn as string);
    const carl = await actAs('Carl (incident commander)');
    await carl.getByRole('link', { name: 'Incidents', exact: true }).click();
    await carl.getByRole('combobox', { name: 'Show' }).selectOption('all');
    await carl.getByRole('link', { name: 'Quietly rewritten' }).click();
    await carl.getByRole('combobox', { name: 'New severity' }).selectOption('SEV3');
    await carl.getByRole('button', { name: 'Reclassify' }).click();
    await poll(() => carl.getByTestId('incident-severity').textContent()).toBe('SEV3');
    await poll(() => carl.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact/);

    await local.dynamodb.send(new UpdateItemCommand({
      TableName: local.stack.tableName,
      Key: { PK: { S: incidentPk(incidentId) }, SK: { S: eventSk(1) } },
      UpdateExpression: 'SET actor = :actor',
      ExpressionAttributeValues: { ':actor': { S: 'arn:aws:iam::000000000000:user/someone-else' } },
    }));
    const ana = await actAs('Ana (acts in every role)');
    await ana.getByRole('button', { name: 'Refresh', exact: true }).click();
    await poll(() => ana.getByTestId('chain-status').textContent()).toBe('Hash chain BROKEN at event 1 (edited).');
  });
});
