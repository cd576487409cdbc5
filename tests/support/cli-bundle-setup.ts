import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { buildIrdrCli } from './cli-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This test run's CLI bundle (tests/support/cli-bundle.ts); unset when this setup did not run. */
    irdrCli?: string;
  }
}

const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'irdr');

/** Global setup: builds the CLI the tests spawn once per run, in a folder of its own (runs may overlap), removed after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await mkdir(CACHE, { recursive: true });
  const outdir = await mkdtemp(join(CACHE, 'cli-'));
  // The compile cache lives and goes with this run's bundle: the next run's bundle has other paths, so other entries.
  project.provide('irdrCli', await buildIrdrCli(outdir, join(outdir, 'compile-cache')));
  return () => rm(outdir, { recursive: true, force: true });
}
