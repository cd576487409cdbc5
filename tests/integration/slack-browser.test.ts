import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookSession } from './support/runbook-session.js';
import { launchBrowser } from './support/browser.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * The local Slack's page in a real browser (headless Chromium): a responder, viewing as themselves, presses
 * Acknowledge on the incident's message; the local Slack sends the signed interaction, the incident is acknowledged
 * (MTTA), and the page shows the thread's new reply and the message without the button.
 */
describe('local Slack page in a browser', () => {
  let local: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 60 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  });

  it('pressing Acknowledge acknowledges the incident and the thread shows it', async () => {
    const session = runbookSession(local);
    const title = 'Console login <!channel> from <https://evil.example|an unknown country>';
    const { incidentId } = await session.open({ runbookId: 'security-incident', title, severity: 'SEV2', summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin' });
    await session.waitForTaskNotified(incidentId, 'acknowledge');
    const slack = local.stack.slack!;
    for (let attempt = 0; attempt < 200 && !JSON.stringify(slack.workspace.messages).includes(`Incident ${incidentId}`); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    const page = await browser.newPage();
    await page.goto(`${slack.endpoint}/?as=U0RITA`);
    const message = page.locator('.top', { hasText: `Incident ${incidentId}` });
    await expect.poll(() => message.count()).toBe(1);
    // The hostile title shows as typed: no link to evil.example, no @channel mention.
    expect(await message.locator('a[href^="https://evil"]').count()).toBe(0);
    expect(await message.locator('.message').first().innerText()).toContain('<!channel>');
    expect(await message.locator('.mention').allInnerTexts()).toEqual(['@S0COMPLIANCE']);

    await message.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(/notice=/);
    expect(await page.getByRole('status').innerText()).toContain('the app answered 200');

    const incident = (await local.api('GET', `/incidents/${incidentId}`)).body.incident as Record<string, unknown>;
    expect(incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'email:rita@example.com', mttaSeconds: expect.any(Number) });
    const after = page.locator('.top', { hasText: `Incident ${incidentId}` });
    expect(await after.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await after.locator('.thread').innerText()).toContain('Acknowledged by email:rita@example.com (via slack)');
    expect(await after.locator('.thread').innerText()).toContain('Only visible to you');
    await page.close();
  });
});
