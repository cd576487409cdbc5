import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { FileCostSequencer } from './tests/support/file-cost-sequencer.js';

/** Infra files that run their own process (cdk synth with bundling, esbuild): with the integration files, so they start early. */
const OWN_PROCESS_INFRA_FILES = ['tests/infra/cli-synth.test.ts', 'tests/infra/function-bundle.test.ts'];
/** IRDR_TEST_CPU_PROFILE=FILE records each file's CPU seconds (tests/support/cpu-profile.ts). */
const profile = [
  ...(process.env['IRDR_TEST_CPU_PROFILE'] ? ['tests/support/cpu-profile.ts'] : []),
  ...(process.env['IRDR_TEST_V8_PROFILE'] ? ['tests/support/v8-profile.ts'] : []),
];

export default defineConfig({
  test: {
    // Integration tests start real local services; give them room, never a wall-clock assertion.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // aws-cdk-lib's built-in CloudFormation validation (a WASM engine: ~6 CPU-s to start in each process that synthesizes,
    // ~0.6 s a synth of the stack) is off in the tests' in-process synths; tests/infra/cli-synth.test.ts runs the real
    // `cdk synth`, as users do, with it on and holds its report empty.
    env: { CDK_VALIDATION: 'false' },
    // Integration tests mostly wait (on time-scaled timers and local services), so more files than cores run at once;
    // vitest's default (cores - 1) runs them one at a time on a 2-core machine. Quiet, back to back on 2 cores: 3 workers
    // 261 s, 5 workers 250 s. The projects take this value: `vitest --maxWorkers=N` does not reach them.
    maxWorkers: Math.max(5, availableParallelism() + 3),
    reporters: ['default'],
    // Long files first, the rest interleaved by CPU share, in a fresh clone too (no results cache): tests/support/file-cost-sequencer.ts.
    sequence: { sequencer: FileCostSequencer },
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache) for the next run: unit files 24 -> 20 CPU-s.
    experimental: { fsModuleCache: true },
    // Two projects, not one per folder: vitest gives each worker process to one project, so each project pays its own
    // workers' imports (the SDK, zod, aws-cdk-lib) and every infra worker its own synth of the stack (docs/test-workers-cpu-8.md).
    projects: [
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          exclude: OWN_PROCESS_INFRA_FILES,
          setupFiles: ['tests/support/environment-restore.ts', ...profile],
          // One worker, before the rest (a group of its own): it imports aws-cdk-lib and synthesizes the template the
          // files read once (tests/infra/synthesized-app.ts) rather than once in each of five workers; the type check
          // (tests/typecheck-and-run.mjs) takes the other core meanwhile.
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'run',
          // Unit files run in the integration files' workers (the same imports), after them: they are short and fill
          // the cores the waiting integration files leave idle at the end.
          include: ['tests/integration/**/*.test.ts', 'tests/reliability/**/*.test.ts', 'tests/unit/**/*.test.ts', ...OWN_PROCESS_INFRA_FILES],
          isolate: false,
          setupFiles: ['tests/support/file-isolation.ts', ...profile],
          // The CLI these files spawn: the launcher's bundle, brought up to date once for the run (tests/support/cli-bundle-setup.ts).
          // And one DynamoDB Local the files that need one in memory share (tests/support/shared-dynamodb-local-setup.ts).
          globalSetup: ['tests/support/cli-bundle-setup.ts', 'tests/support/shared-dynamodb-local-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
