import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Browser, Locator, Page } from 'playwright-core';
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
  /** Acts as the dev identity with this display name, through the picker (Switch identity first if someone is signed in), by keyboard. */
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
      await press(page, page.getByRole('button', { name: 'Switch identity' }));
    }
    await press(page, page.getByRole('button', { name: displayName }));
    await poll(() => page.getByTestId('acting-as').textContent()).toBe(displayName);
    await focusOnMain(page);
    return page;
  }

  /** axe-core's serious and critical violations on the page as it stands (run through DevTools, not an inline script the CSP would block). */
  async function seriousViolations(page: Page): Promise<string[]> {
    // axe-core is 650 KB of source: sent once per document, not once per look.
    if ((await page.evaluate('typeof axe')) === 'undefined') await page.evaluate(axeSource);
    const results = (await page.evaluate('axe.run(document)')) as { violations: Array<{ id: string; impact: string; nodes: unknown[] }> };
    return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.nodes.length})`);
  }

  /** A function of the element run in the page, from its body's source (this project's types have no DOM). */
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const inPage = (body: string) => new Function('element', body) as (element: unknown) => unknown;
  /*
   * Keyboard only: no mouse, no element.click(). The focus moves with Tab (or Shift+Tab when the target lies before
   * it), as a person would move it, and must arrive with a visible focus ring; Enter or Space then acts.
   */
  /**
   * Where the element lies from the focus ('here', 'before', 'after'), whether it shows a visible focus ring, and how
   * many Tab presses away it looks (in-page, as a string: no DOM types here). The count is a guess from the focusable
   * elements in document order: the presses are made and then the focus is looked at again, so a wrong guess costs
   * presses, never a pass.
   */
  const FOCUS_PLACE = inPage(`
    const active = document.activeElement;
    if (active === element) {
      const style = getComputedStyle(element);
      const href = element.tagName === 'A' ? element.getAttribute('href') : null;
      return { place: 'here', ring: element.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        navigates: href !== null && href.startsWith('#/') && href !== location.hash };
    }
    const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter((candidate) => candidate.tabIndex >= 0 && !candidate.disabled && candidate.checkVisibility());
    const follows = (node, from) => !!(from.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
    const precedes = (node, from) => !!(from.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING);
    if (!active || active === document.body) return { place: 'after', ring: false, presses: focusable.filter((node) => node === element || precedes(node, element)).length };
    const before = precedes(element, active);
    // The stops from the focus (not counted) to the element (counted), in the direction the presses go.
    const presses = focusable.filter((node) => before
      ? precedes(node, active) && (node === element || follows(node, element))
      : follows(node, active) && (node === element || precedes(node, element))).length;
    return { place: before ? 'before' : 'after', ring: false, presses };
  `);
  const MAX_PRESSES = 150;
  /** Tabs (or Shift+Tabs) to the element and holds that it arrives with a visible ring; tells whether it is an in-app link elsewhere. */
  async function focusByKeyboard(page: Page, target: Locator): Promise<{ navigates: boolean }> {
    await target.waitFor();
    // Found once (a role locator computes every element's accessible name each time it resolves); Tab changes no markup.
    const element = await target.elementHandle();
    let where: { place: string; ring: boolean; presses?: number; navigates?: boolean } = { place: '', ring: false };
    // The guessed presses go without a look in between (a look is a round trip to the browser); the focus is looked at after each run.
    // Once a run has gone past the element (the guess counted a stop the browser skips), one press at a time.
    let direction = '';
    let guessing = true;
    for (let presses = 0; presses <= MAX_PRESSES; ) {
      where = (await element!.evaluate(FOCUS_PLACE)) as typeof where;
      if (where.place === 'here') break;
      if (direction !== '' && where.place !== direction) guessing = false;
      direction = where.place;
      const run = guessing ? Math.max(1, Math.min(where.presses ?? 1, MAX_PRESSES + 1 - presses)) : 1;
      // Shift held through a run of Shift+Tabs, as a person holds it.
      if (where.place === 'before') await page.keyboard.down('Shift');
      for (let press = 0; press < run; press += 1) await page.keyboard.press('Tab');
      if (where.place === 'before') await page.keyboard.up('Shift');
      presses += run;
    }
    expect({ place: where.place, ring: where.ring }, `keyboard focus on ${target}, with a visible ring`).toEqual({ place: 'here', ring: true });
    await element!.dispose();
    return { navigates: where.navigates === true };
  }
  /** Tabs to a button or link and presses it (Enter, or Space for a button). */
  async function press(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
    const { navigates } = await focusByKeyboard(page, target);
    await page.keyboard.press(key);
    if (navigates) await focusOnMain(page);
  }
  /**
   * A section drawn moves the focus to its main region a frame later (where a keyboard user's next Tab starts): the next
   * key waits for it, or the focus moving under it would take that key (a press that did nothing, seen under load).
   */
  const focusOnMain = (page: Page) => poll(() => page.evaluate("document.activeElement?.id ?? ''")).toBe('main');
  /** Tabs to a text field, clears it and types. */
  async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
    await focusByKeyboard(page, field);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(text);
  }
  /** Tabs to a select and moves it to the option with this value with the arrow keys. */
  async function choose(page: Page, select: Locator, value: string): Promise<void> {
    await focusByKeyboard(page, select);
    // The runbooks' options come with their list, which may land after the form is drawn: a person waits to see the option.
    const optionIndex = () => select.evaluate(inPage(`return [...element.options].findIndex((option) => option.value === ${JSON.stringify(value)});`)) as Promise<number>;
    await poll(optionIndex).toBeGreaterThanOrEqual(0);
    const target = await optionIndex();
    for (let presses = 0; presses < 20; presses += 1) {
      const index = (await select.evaluate(inPage('return element.selectedIndex;'))) as number;
      if (index === target) break;
      await page.keyboard.press(index < target ? 'ArrowDown' : 'ArrowUp');
    }
    expect(await select.inputValue()).toBe(value);
  }
  /** After an action the focus stays somewhere on the page (not dropped to the document's start, where the next Tab begins again). */
  const focusKept = (page: Page) => poll(() => page.evaluate('document.activeElement !== document.body && document.activeElement !== null')).toBe(true);

  const refreshUntil = async (page: Page, visible: () => Promise<number>, refresh = 'Refresh') => {
    await expect.poll(async () => {
      if ((await visible()) > 0) return true;
      await press(page, page.getByRole('button', { name: refresh, exact: true }));
      return false;
    }, { timeout: 30_000, interval: 200 }).toBe(true);
  };

  it("a responder's day by keyboard alone: open (a lost answer replayed by its Idempotency-Key), filter, acknowledge, a task the API refuses her, the commander's, a note, resolve", async () => {
    let rita = await actAs('Rita (on-call responder)');
    expect(await seriousViolations(rita)).toEqual([]);

    // The first answer to "Open incident" is lost on its way back (the API did open it): pressing again sends the same
    // Idempotency-Key, and the API answers with the incident it opened, not a second one.
    const keysSent: string[] = [];
    const isOpen = (url: URL) => url.pathname === '/incidents';
    let answersLost = 0;
    await rita.route(isOpen, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keysSent.push(route.request().headers()['idempotency-key'] ?? '');
      if (answersLost > 0) return route.fallback();
      answersLost += 1;
      await route.fetch();
      await route.abort('failed');
    });
    const title = 'Console login from an unknown country';
    await press(rita, rita.getByText('Open an incident'));
    const form = rita.locator('details.open-incident form');
    await choose(rita, form.getByLabel('Runbook'), 'security-incident');
    await typeInto(rita, form.getByLabel('Title'), title);
    await choose(rita, form.getByLabel('Severity'), 'SEV2');
    await typeInto(rita, form.getByLabel('Summary'), 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin');
    const submit = form.getByRole('button', { name: 'Open incident' });
    await press(rita, submit);
    await poll(() => form.getByRole('alert').count()).toBe(1);
    await press(rita, submit);
    const opened = rita.getByRole('status').filter({ hasText: 'Opened' }).getByRole('link');
    const incidentId = (await opened.textContent())!;
    await rita.unroute(isOpen);
    expect(keysSent).toHaveLength(2);
    expect(keysSent[1]).toBe(keysSent[0]);
    expect(keysSent[0]).toMatch(/^[0-9a-f-]{36}$/);
    const listed = (await local.api('GET', '/incidents?limit=100')).body.incidents as Array<{ incidentId: string; title: string }>;
    expect(listed.filter((incident) => incident.title === title).map((incident) => incident.incidentId)).toEqual([incidentId]);

    // The board lists it, with its acknowledgement clock counting down once the run started it.
    const row = rita.getByRole('row', { name: new RegExp(title) });
    await refreshUntil(rita, async () => (/Acknowledge within one hour: (overdue by )?\d+ [hm] \d+ [ms]/.test((await row.textContent()) ?? '') ? 1 : 0));
    // Who is on call for it: its acknowledgement waits on the responders, and a page to them goes to Rita (GET /on-call).
    // The run starts the clock before it creates the task: a board read between the two shows the clock and no waiting
    // role ('—'), as it should; Refresh reads the row again, as a person would press it.
    await refreshUntil(rita, async () => ((await row.getByRole('cell').last().textContent()) === 'Rita Okafor (responder)' ? 1 : 0));
    expect(await row.getByRole('cell').last().textContent()).toBe('Rita Okafor (responder)');
    // Filters, by keyboard: another severity hides it, its own shows it again.
    const severity = rita.locator('.toolbar').getByRole('combobox', { name: 'Severity' });
    await choose(rita, severity, 'SEV4');
    await poll(() => row.count()).toBe(0);
    await choose(rita, severity, 'SEV2');
    await poll(() => row.count()).toBe(1);
    await choose(rita, rita.locator('.toolbar').getByRole('combobox', { name: 'Show' }), 'history');
    await poll(() => row.count()).toBe(0);
    await choose(rita, rita.locator('.toolbar').getByRole('combobox', { name: 'Show' }), 'open');
    await choose(rita, severity, '');
    await poll(() => row.count()).toBe(1);

    await press(rita, row.getByRole('link', { name: title }));
    await poll(() => rita.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Acknowledge the incident' }).count());
    expect(await seriousViolations(rita)).toEqual([]);
    await press(rita, rita.getByRole('button', { name: 'Acknowledge', exact: true }));
    await poll(() => rita.getByTestId('incident-status').textContent()).toBe('acknowledged');
    await focusKept(rita);

    // The next task is the commander's: the console offers it, the API refuses Rita, and says why.
    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Take command of the incident' }).count());
    await press(rita, rita.getByRole('button', { name: 'Complete Take command of the incident' }));
    await poll(() => rita.getByRole('alert').textContent()).toMatch(/commander/);
    await focusKept(rita);
    expect((await local.api('GET', `/incidents/${incidentId}/tasks`)).body.tasks.find((task: { stepId: string }) => task.stepId === 'assign-commander').status).toBe('open');

    const carl = await actAs('Carl (incident commander)');
    await press(carl, carl.getByRole('link', { name: 'Incidents', exact: true }));
    await press(carl, carl.getByRole('link', { name: title }));
    await press(carl, carl.getByRole('button', { name: 'Complete Take command of the incident' }), 'Space');
    await refreshUntil(carl, () => carl.getByText(/Take command of the incident: completed/).count());
    rita = await actAs('Rita (on-call responder)');

    await refreshUntil(rita, () => rita.getByRole('heading', { name: 'Contain the incident' }).count());
    await press(rita, rita.getByRole('button', { name: 'Complete Contain the incident' }));
    await refreshUntil(rita, () => rita.getByText(/Contain the incident: completed/).count());
    await focusKept(rita);

    await typeInto(rita, rita.getByRole('textbox', { name: 'Note' }), 'Reset the password; the login came from a VPN exit node');
    await press(rita, rita.getByRole('button', { name: 'Add note' }));
    await poll(() => rita.locator('.timeline q').last().textContent()).toBe('Reset the password; the login came from a VPN exit node');
    await focusKept(rita);

    await typeInto(rita, rita.getByLabel('Resolution summary'), 'Password reset, MFA enforced');
    await press(rita, rita.getByRole('button', { name: 'Resolve' }));
    await poll(() => rita.getByTestId('incident-status').textContent()).toBe('resolved');
    await focusKept(rita);
    await poll(() => rita.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact: \d+ events/);

    const incident = (await local.api('GET', `/incidents/${incidentId}`)).body.incident;
    expect(incident).toMatchObject({ status: 'resolved', resolutionSummary: 'Password reset, MFA enforced', acknowledgedBy: expect.stringContaining('rita-responder') });
    expect(cspViolations).toEqual([]);
  });

  it('approvals by keyboard: the approver rejects (the API first asks for a reason) and approves', async () => {
    const open = async (title: string) => {
      const opened = await local.openIncident({ runbookId: 'dr-drill-failure', title, severity: 'SEV3', summary: 'ledger restore failed validation' });
      const incidentId = opened.body.incidentId as string;
      const taskOf = async (stepId: string) => {
        let task: { taskId: string; status: string } | undefined;
        await expect.poll(async () => {
          task = ((await local.api('GET', `/incidents/${incidentId}/tasks`)).body.tasks as Array<{ stepId: string; taskId: string; status: string }>).find((candidate) => candidate.stepId === stepId && candidate.status === 'open');
          return task !== undefined;
        }, { timeout: 15_000, interval: 100 }).toBe(true);
        return task!;
      };
      const investigate = await taskOf('investigate');
      expect((await local.api('POST', `/incidents/${incidentId}/tasks/${investigate.taskId}/complete`, { body: { outcome: 'done', comment: '' } })).status).toBe(200);
      await taskOf('remediation-decision');
    };
    await Promise.all([open('Drill ledger failed: checks'), open('Drill ledger failed: RPO')]);

    const ada = await actAs('Ada (security lead, approves)');
    await press(ada, ada.getByRole('link', { name: 'Incidents', exact: true }));
    await press(ada, ada.getByRole('link', { name: 'Drill ledger failed: checks' }));
    const reject = ada.getByRole('button', { name: 'Reject Remediate, or accept the risk?' });
    await press(ada, reject);
    await poll(() => ada.getByRole('alert').textContent()).toMatch(/comment|reason/i);
    await typeInto(ada, ada.getByRole('textbox', { name: /^Comment/ }), 'Accept the risk until the next drill');
    await press(ada, reject, 'Space');
    await refreshUntil(ada, () => ada.getByText(/Remediate, or accept the risk\?: \w+ \(rejected by .*: Accept the risk until the next drill\)/).count());

    await press(ada, ada.getByRole('link', { name: '← Incidents' }));
    await press(ada, ada.getByRole('link', { name: 'Drill ledger failed: RPO' }));
    await press(ada, ada.getByRole('button', { name: 'Approve Remediate, or accept the risk?' }));
    await refreshUntil(ada, () => ada.getByText(/Remediate, or accept the risk\?: \w+ \(approved by /).count());
    expect(await seriousViolations(ada)).toEqual([]);
  });

  it('an outsider is refused by the API, and the picker gives no token without this start’s key', async () => {
    const oz = await actAs('Oz (an IAM user in no irdr role)');
    await poll(() => oz.getByRole('alert').textContent()).toMatch(/role|403|Forbidden/i);
    expect(await oz.locator('table.board').count()).toBe(0);

    // Whom a page goes to names people: the API reads it to anyone in a role, and to nobody else.
    expect((await local.api('GET', '/on-call', { token: 'dev-outsider' })).status).toBe(403);
    expect((await local.api('GET', '/on-call', { token: 'dev-auditor' })).body.roles.find((entry: { role: string }) => entry.role === 'responder')).toEqual({ role: 'responder', scheduled: false, paged: [{ name: 'Rita Okafor', email: expect.stringContaining('@') }] });

    const identitiesUrl = `${new URL(consoleUrl()).origin}/console/dev-identities`;
    expect((await fetch(identitiesUrl)).status).toBe(403);
    expect((await fetch(identitiesUrl, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenOf('dev-admin')}` } })).status).toBe(403);
    const key = new URL(consoleUrl()).hash.replace('#key=', '');
    expect((await fetch(identitiesUrl, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('drills: the auditor may not run one (the API says so); the responder runs one and watches it to its report', async () => {
    const otto = await actAs('Otto (compliance auditor, read-only)');
    await press(otto, otto.getByRole('link', { name: 'Drills', exact: true }));
    const row = otto.getByRole('row', { name: /console-pitr/ });
    await press(otto, row.getByRole('button', { name: /^Run now/ }));
    await poll(() => row.getByRole('alert').textContent()).toMatch(/responder|commander|role/i);
    await focusKept(otto);
    expect(await seriousViolations(otto)).toEqual([]);

    const rita = await actAs('Rita (on-call responder)');
    await press(rita, rita.getByRole('row', { name: /console-pitr/ }).getByRole('button', { name: /^Run now/ }), 'Space');
    await press(rita, rita.getByRole('link', { name: 'watch the run' }));
    // The page reads the run again while it goes on: no refreshing by hand.
    await expect.poll(() => rita.getByTestId('run-status').textContent(), { timeout: 60_000, interval: 250 }).toBe('passed');
    // Each check, expected against actual; the restored table cleaned up; the trail's chain recomputed here.
    const check = rita.getByRole('row', { name: /item-count/ });
    expect(await check.textContent()).toMatch(/^item-count \(item-count\)passed(\d+) items \(±1%\).*\)\1 items$/);
    expect(await rita.getByTestId('run-cleanup').textContent()).toBe('DELETED');
    await poll(() => rita.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact/);
    expect(await seriousViolations(rita)).toEqual([]);

    // Back on the plans, the plan's trend charts the run's achieved RTO against its target (its figures in the label).
    await press(rita, rita.getByRole('link', { name: '← Drills' }));
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
    await press(otto, otto.getByRole('link', { name: 'Evidence', exact: true }));
    await poll(() => otto.getByRole('status').filter({ hasText: 'trails' }).textContent()).toMatch(/every hash chain intact/);
    // The day's SEV2 awaits its post-incident review: the API refuses the sign-off and the page says why.
    // The hostile title is listed as the characters it is: no image element, the page title untouched.
    expect(await otto.getByRole('row', { name: /Phish/ }).textContent()).toContain('<img src=x');
    const day = otto.getByRole('row', { name: /Console login from an unknown country/ });
    await press(otto, day.getByRole('button', { name: /^Accept Console login/ }));
    await poll(() => day.getByRole('alert').textContent()).toMatch(/review/i);
    const row = otto.getByRole('row', { name: /Phish/ });
    await press(otto, row.getByRole('button', { name: /^Accept (?!with)/ }), 'Space');
    await poll(() => row.count()).toBe(0);
    await focusKept(otto);
    const run = otto.getByRole('row', { name: /Console orders PITR|console-pitr/ });
    await typeInto(otto, run.getByRole('textbox', { name: 'Comment' }), 'Restore passed; RPO not measured by this plan');
    await press(otto, run.getByRole('button', { name: /^Accept with exceptions/ }));
    await poll(() => run.count()).toBe(0);
    await focusKept(otto);
    expect(await otto.locator('main img').count()).toBe(0);
    expect(await otto.title()).not.toBe('pwned');
    expect(await seriousViolations(otto)).toEqual([]);

    await press(otto, otto.getByRole('button', { name: 'Request export' }));
    const link = otto.getByRole('link', { name: /^Download / });
    await poll(() => link.count()).toBe(1);
    await focusKept(otto);
    const [download] = await Promise.all([otto.waitForEvent('download'), press(otto, link)]);
    const zip = await download.createReadStream().then(async (stream) => Buffer.concat(await stream.toArray()));
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/^irdr-evidence_.*\.zip$/);

    // Controls with their evidence (the export's controls.csv): the drill plan's control counts the run, the runbooks' the incidents.
    await press(otto, otto.getByRole('button', { name: 'Count evidence per control' }));
    const controls = otto.getByRole('region', { name: 'Controls and their evidence' });
    const cells = async (control: string) => controls.getByRole('row', { name: new RegExp(`^${control.replace('.', '\\.')} `) }).getByRole('cell').allTextContents();
    await poll(() => controls.getByRole('row').count()).toBeGreaterThan(2);
    expect((await cells('SOC2 A1.3'))[2]).toBe('1');
    expect(Number((await cells('SOC2 CC7.3'))[1])).toBeGreaterThanOrEqual(2);
    await focusKept(otto);
    expect(await seriousViolations(otto)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('the review by keyboard: a commander records findings and a corrective action; the API refuses a bad due date, a close by another and a javascript: link, then takes the evidence', async () => {
    const title = 'Deploy key in a public repo';
    const opened = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV4', summary: 'a key was pushed', labels: { team: 'platform' } });
    const incidentId = opened.body.incidentId as string;
    await local.waitForExecution(opened.body.executionArn as string);
    expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { body: {} })).status).toBe(200);

    const carl = await actAs('Carl (incident commander)');
    await press(carl, carl.getByRole('link', { name: 'Incidents', exact: true }));
    await choose(carl, carl.locator('.toolbar').getByRole('combobox', { name: 'Show' }), 'history');
    await press(carl, carl.getByRole('link', { name: title }));
    expect(await carl.getByTestId('incident-labels').textContent()).toBe('team: platform');

    const rootCause = '<img src=x onerror="document.title=\'pwned\'">A deploy key committed';
    await typeInto(carl, carl.getByRole('textbox', { name: 'Root cause' }), rootCause);
    await typeInto(carl, carl.getByRole('textbox', { name: 'What went well' }), 'Found in 5 minutes');
    await press(carl, carl.getByRole('button', { name: 'Record the findings' }));
    await poll(() => carl.getByRole('status').filter({ hasText: 'Findings recorded' }).count()).toBe(1);

    // An action due on a day that does not exist: the API says what to change, the list stays empty.
    const add = carl.getByRole('form', { name: 'Add a corrective action' });
    await typeInto(carl, add.getByRole('textbox', { name: 'Action title' }), 'Rotate every deploy key');
    await typeInto(carl, add.getByRole('textbox', { name: /Owner's email/ }), 'rita@example.com');
    await typeInto(carl, add.getByRole('textbox', { name: /^Due/ }), '2026-02-30');
    await press(carl, add.getByRole('button', { name: 'Add action' }));
    await poll(() => add.getByRole('alert').textContent()).toMatch(/date|due/i);
    expect((await local.api('GET', `/incidents/${incidentId}/actions`)).body.actions).toEqual([]);
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await typeInto(carl, add.getByRole('textbox', { name: /^Due/ }), due);
    await press(carl, add.getByRole('button', { name: 'Add action' }));
    const item = carl.getByRole('listitem').filter({ has: carl.getByRole('heading', { name: 'Rotate every deploy key' }) });
    await poll(() => item.getByTestId('action-state').textContent()).toMatch(/^open: owner Rita Okafor <rita@example.com>, due /);

    // Rita owns it but gave no principal: only a commander may close it, and the API says so.
    const rita = await actAs('Rita (on-call responder)');
    const ritasItem = rita.getByRole('listitem').filter({ has: rita.getByRole('heading', { name: 'Rotate every deploy key' }) });
    await typeInto(rita, ritasItem.getByRole('textbox', { name: 'Evidence note' }), 'done');
    await press(rita, ritasItem.getByRole('button', { name: /^Close action/ }));
    await poll(() => ritasItem.getByRole('alert').textContent()).toMatch(/commander/);

    const carlAgain = await actAs('Carl (incident commander)');
    const carlsItem = carlAgain.getByRole('listitem').filter({ has: carlAgain.getByRole('heading', { name: 'Rotate every deploy key' }) });
    await typeInto(carlAgain, carlsItem.getByRole('textbox', { name: /Evidence link/ }), 'javascript:alert(1)');
    await press(carlAgain, carlsItem.getByRole('button', { name: /^Close action/ }));
    await poll(() => carlsItem.getByRole('alert').textContent()).toMatch(/https/);
    await typeInto(carlAgain, carlsItem.getByRole('textbox', { name: /Evidence link/ }), 'https://git.example.com/infra/pull/42');
    await press(carlAgain, carlsItem.getByRole('button', { name: /^Close action/ }));
    await poll(() => carlsItem.getByTestId('action-state').textContent()).toMatch(/^closed: .*closed by .*carl-commander.*\(https:\/\/git\.example\.com\/infra\/pull\/42\)$/);
    await focusKept(carlAgain);

    // The API's draft lists the findings and the action, shown as the text it is.
    await press(carlAgain, carlAgain.getByText("The review's draft (Markdown)"));
    await poll(() => carlAgain.getByTestId('review-draft').textContent()).toContain(rootCause);
    expect(await carlAgain.getByTestId('review-draft').textContent()).toContain('Rotate every deploy key');
    expect(await carlAgain.locator('main img').count()).toBe(0);
    expect(await carlAgain.title()).not.toBe('pwned');
    expect(await seriousViolations(carlAgain)).toEqual([]);
  });

  it('a commander reclassifies; then an event edited in the table after the fact shows as a broken chain, recomputed in the browser', async () => {
    const opened = await local.openIncident({ runbookId: 'triage-notify', title: 'Quietly rewritten', severity: 'SEV4', summary: 'an insider edits the trail' });
    const incidentId = opened.body.incidentId as string;
    await local.waitForExecution(opened.body.executionArn as string);
    const carl = await actAs('Carl (incident commander)');
    await press(carl, carl.getByRole('link', { name: 'Incidents', exact: true }));
    await choose(carl, carl.getByRole('combobox', { name: 'Show' }), 'all');
    await press(carl, carl.getByRole('link', { name: 'Quietly rewritten' }));
    await choose(carl, carl.getByRole('combobox', { name: 'New severity' }), 'SEV3');
    await typeInto(carl, carl.getByRole('textbox', { name: 'Reason' }), 'customer data in scope');
    await press(carl, carl.getByRole('button', { name: 'Reclassify' }));
    await poll(() => carl.getByTestId('incident-severity').textContent()).toBe('SEV3');
    await focusKept(carl);
    await poll(() => carl.getByTestId('chain-status').textContent()).toMatch(/^Hash chain intact/);

    await local.dynamodb.send(new UpdateItemCommand({
      TableName: local.stack.tableName,
      Key: { PK: { S: incidentPk(incidentId) }, SK: { S: eventSk(1) } },
      UpdateExpression: 'SET actor = :actor',
      ExpressionAttributeValues: { ':actor': { S: 'arn:aws:iam::000000000000:user/someone-else' } },
    }));
    const ana = await actAs('Ana (acts in every role)');
    await press(ana, ana.getByRole('button', { name: 'Refresh', exact: true }));
    await poll(() => ana.getByTestId('chain-status').textContent()).toBe('Hash chain BROKEN at event 1 (edited).');
  });

  it('a section asked for while the console draws itself after a switch of identity is the section shown (the router listens from its first draw)', async () => {
    const ana = await actAs('Ana (acts in every role)');
    await press(ana, ana.getByRole('link', { name: 'Incidents', exact: true }));
    await press(ana, ana.getByRole('button', { name: 'Switch identity' }));
    await focusByKeyboard(ana, ana.getByRole('button', { name: 'Carl (incident commander)' }));
    // Effects run after a frame (at most 100 ms in Preact): held back, the address changes between the draw and the effect.
    await ana.evaluate('window.heldAnimationFrame = window.requestAnimationFrame; window.requestAnimationFrame = () => 0');
    try {
      await ana.keyboard.press('Enter');
      await ana.evaluate("location.hash = '#/evidence'");
      await poll(() => ana.getByTestId('acting-as').textContent()).toBe('Carl (incident commander)');
      await poll(() => ana.evaluate('document.title')).toBe('Evidence · irdr console');
    } finally {
      await ana.evaluate('window.requestAnimationFrame = window.heldAnimationFrame');
    }
  });
});
