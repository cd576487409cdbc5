import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests start real local services; give them room, never a wall-clock assertion.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration tests mostly wait (on time-scaled timers and local services), so more files than cores run at once;
    // vitest's default (cores - 1) runs them one at a time on a 2-core machine.
    maxWorkers: Math.max(3, availableParallelism() + 1),
    reporters: ['default'],
  },
});
