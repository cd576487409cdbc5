import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { buildLauncherBundle, currentManifest } from '../../bin/launcher-bundle.js';
import { buildIrdrCli } from './cli-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This test run's CLI bundle (tests/support/cli-bundle.ts); unset when this setup did not run. */
    irdrCli?: string;
  }
}

const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'irdr');
/**
 * The programs tests start from their launcher bundles (bin/irdr.js, tests/support/run-bundled.mjs): brought up to
 * date here, once, rather than built by several test processes at once in a fresh clone (~0.1 CPU-s each when current).
 */
const LAUNCHED_PROGRAMS = ['bin/irdr.ts', 'tests/reliability/support/stack-process.ts'];

/** Global setup: builds the CLI the tests spawn once per run, in a folder of its own (runs may overlap), removed after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await mkdir(CACHE, { recursive: true });
  const outdir = await mkdtemp(join(CACHE, 'cli-'));
  // The compile cache lives and goes with this run's bundle: the next run's bundle has other paths, so other entries.
  const [irdrCli] = await Promise.all([
    buildIrdrCli(outdir, join(outdir, 'compile-cache')),
    ...LAUNCHED_PROGRAMS.map(async (entry) => currentManifest(PROJECT_ROOT, entry) ?? (await buildLauncherBundle(PROJECT_ROOT, entry))),
  ]);
  project.provide('irdrCli', irdrCli);
  return () => rm(outdir, { recursive: true, force: true });
}
