import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalScheduler, type LocalScheduler } from '../../local/scheduler/scheduler.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-RestoreDrill';

interface Fire {
  readonly name: string;
  readonly scheduledTime: number;
  /** Schedule time when startExecution was called, by the scheduler's own clock. */
  readonly scheduleNow: number;
}

/** Resolves once `done()` holds, polling; fails after `timeoutMs` (a bound, not a speed assertion). */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

describe('local scheduler on the real clock', () => {
  let scheduler: LocalScheduler | undefined;
  afterEach(() => scheduler?.stop());

  it('starts executions when a sped-up cron and rate schedule come due, never early', async () => {
    const timeScale = 1200; // 5 schedule minutes pass in a quarter of a real second, an hour in 3 s
    let startedAt: number | undefined;
    const now = (): Date => {
      const real = Date.now();
      startedAt ??= real;
      return new Date(real);
    };
    const fires: Fire[] = [];
    scheduler = startLocalScheduler({
      schedules: [
        { name: 'every-5-minutes', expression: 'cron(0/5 * * * ? *)', timezone: 'Europe/London', targetArn: ARN, input: { drillId: 'a' } },
        { name: 'hourly', expression: 'rate(1 hour)', targetArn: ARN, input: { drillId: 'b' } },
      ],
      timeScale,
      now,
      startExecution: async (stateMachineArn, input, scheduledTime) => {
        expect(stateMachineArn).toBe(ARN);
        const name = (input as { drillId: string }).drillId === 'a' ? 'every-5-minutes' : 'hourly';
        fires.push({ name, scheduledTime: scheduledTime.getTime(), scheduleNow: startedAt! + (Date.now() - startedAt!) * timeScale });
      },
    });

    await waitFor(() => fires.filter((fire) => fire.name === 'every-5-minutes').length >= 3, 30_000);
    await waitFor(() => fires.filter((fire) => fire.name === 'hourly').length >= 2, 30_000);

    const cronFires = fires.filter((fire) => fire.name === 'every-5-minutes').map((fire) => fire.scheduledTime);
    for (const time of cronFires) expect(time % (5 * 60_000)).toBe(0);
    expect(cronFires[1]! - cronFires[0]!).toBe(5 * 60_000);
    expect(cronFires[2]! - cronFires[1]!).toBe(5 * 60_000);

    // A rate schedule without a start date fires at start, then every (scaled) hour.
    const rateFires = fires.filter((fire) => fire.name === 'hourly').map((fire) => fire.scheduledTime);
    expect(rateFires[0]).toBe(startedAt);
    expect(rateFires[1]! - rateFires[0]!).toBe(60 * 60_000);

    for (const fire of fires) expect(fire.scheduleNow).toBeGreaterThanOrEqual(fire.scheduledTime);
  });

  it('does not keep the process alive: its timers are unref’d', async () => {
    const script = [
      "import { startLocalScheduler } from './local/scheduler/scheduler.ts';",
      "startLocalScheduler({ schedules: [{ name: 'nightly', expression: 'cron(0 2 * * ? *)', targetArn: 'arn', input: {} }],",
      '  startExecution: async () => {} });',
      "console.log('armed');",
    ].join('\n');
    const { stdout } = await promisify(execFile)(resolve(ROOT, 'node_modules/.bin/tsx'), ['--eval', script], {
      cwd: ROOT,
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('armed');
  });
});
