import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { buildLauncherBundle, currentManifest } from '../../bin/launcher-bundle.js';
import { writeIrdrCliEntry } from './cli-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This test run's CLI bundle (tests/support/cli-bundle.ts); unset when this setup did not run. */
    irdrCli?: string;
  }
}

const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'irdr');
/**
 * The programs tests start from the launcher's bundle: the CLI (bin/irdr.js, and the short commands through
 * cli-bundle.ts) and kill-restart's stack process (tests/support/run-bundled.mjs). One build of both, here, when a source
 * changed (~4.7 CPU-s), rather than one in each test process that finds it stale; ~0.1 CPU-s when current.
 */
const LAUNCHED_PROGRAMS = ['bin/irdr.ts', 'tests/reliability/support/stack-process.ts'];

/** Global setup: the CLI the tests spawn, once per run, in a folder of its own (runs may overlap), removed after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await mkdir(CACHE, { recursive: true });
  const outdir = await mkdtemp(join(CACHE, 'cli-'));
  const manifest = currentManifest(PROJECT_ROOT, LAUNCHED_PROGRAMS) ?? (await buildLauncherBundle(PROJECT_ROOT, LAUNCHED_PROGRAMS));
  // V8's code for the bundle's files, in the launcher's compile cache (bin/irdr.js): the files keep their names until they change.
  const irdrCli = await writeIrdrCliEntry(outdir, join(CACHE, 'compile-cache'), manifest);
  project.provide('irdrCli', irdrCli);
  return () => rm(outdir, { recursive: true, force: true });
}
