import { access } from 'node:fs/promises';
import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, used where it is installed; otherwise the Chromium build inside the @sparticuz/chromium package. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

// Nothing that reaches for a network this machine does not have; no sandbox (root in CI). Playwright gives every
// launch a new, empty profile.
const OFFLINE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const WEAKENING_ARGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);

/** Which browser the tests drive, and how it is named in test output. */
export async function browserExecutable(): Promise<{ path: string; args: string[]; name: string }> {
  try {
    await access(SYSTEM_CHROMIUM);
    return { path: SYSTEM_CHROMIUM, args: OFFLINE_ARGS, name: 'Debian chromium' };
  } catch {
    // Unpacked once into the temp dir from the npm package: no download, no system package.
    // Its Lambda defaults, less the two that switch off the browser's own security (the same-origin policy, mixed
    // content): pages are tested as users' browsers hold them.
    const args = sparticuzChromium.args.filter((arg) => !WEAKENING_ARGS.has(arg));
    return { path: await sparticuzChromium.executablePath(), args: [...new Set([...args, ...OFFLINE_ARGS])], name: '@sparticuz/chromium' };
  }
}

/** A headless Chromium for tests that look at a page: `npm ci` alone provides one. */
export async function launchBrowser(): Promise<Browser> {
  const { path, args } = await browserExecutable();
  return chromium.launch({ executablePath: path, args, headless: true });
}
