import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/support/longest-first-sequencer.js';

/** Infra files that run their own process (cdk synth with bundling, esbuild): with the rest, so they start early. */
const OWN_PROCESS_INFRA_FILES = ['tests/infra/cli-synth.test.ts', 'tests/infra/function-bundle.test.ts'];
/** Integration files that read the synthesized template: they run with the infra files, whose workers synthesize it once. */
const SYNTH_READING_INTEGRATION_FILES = ['tests/integration/iam-coverage.test.ts'];
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
    // The longest files start first even in a fresh clone (no results cache): see tests/support/file-durations.json.
    sequence: { sequencer: LongestFirstSequencer },
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache) for the next run: unit files 24 -> 20 CPU-s.
    experimental: { fsModuleCache: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts', ...SYNTH_READING_INTEGRATION_FILES],
          exclude: OWN_PROCESS_INFRA_FILES,
          // The one local stack such a worker starts exports its endpoints to process.env: put back after each file.
          setupFiles: ['tests/support/environment-restore.ts', ...profile],
          // Workers that keep modules between files: each synthesizes the template its files read once
          // (tests/infra/synthesized-app.ts) instead of once per file; they run beside the waiting integration files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: profile,
          // Pure modules and SDK mocks reset per test: a worker keeps what it imported between files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'run',
          include: ['tests/integration/**/*.test.ts', 'tests/reliability/**/*.test.ts', ...OWN_PROCESS_INFRA_FILES],
          exclude: SYNTH_READING_INTEGRATION_FILES,
          isolate: false,
          setupFiles: ['tests/support/file-isolation.ts', ...profile],
          // The CLI these files spawn: the launcher's bundle, brought up to date once for the run (tests/support/cli-bundle-setup.ts).
          globalSetup: ['tests/support/cli-bundle-setup.ts'],
        },
      },
    ],
  },
});
