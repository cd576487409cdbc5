import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalScheduler, type LocalSchedule, type LocalScheduler } from '../../local/scheduler/scheduler.js';

const DRILLS_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-RestoreDrill';
const HOUR = 60 * 60 * 1000;

interface StartCall {
  readonly arn: string;
  readonly input: unknown;
  readonly scheduledTime: string;
  readonly realTime: string;
}

function schedule(overrides: Partial<LocalSchedule> & Pick<LocalSchedule, 'expression'>): LocalSchedule {
  return { name: 'drill', targetArn: DRILLS_ARN, input: { drillId: 'orders-db' }, ...overrides };
}

describe('local scheduler (fake clock)', () => {
  let scheduler: LocalScheduler | undefined;
  let calls: StartCall[];
  const startExecution = async (arn: string, input: unknown, scheduledTime: Date): Promise<void> => {
    calls.push({ arn, input, scheduledTime: scheduledTime.toISOString(), realTime: new Date().toISOString() });
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-02T08:00:00Z') });
    calls = [];
  });
  afterEach(() => {
    scheduler?.stop();
    scheduler = undefined;
    vi.useRealTimers();
  });

  it('starts the target with the input at each cron fire time', async () => {
    scheduler = startLocalScheduler({
      schedules: [schedule({ expression: 'cron(0 9 * * ? *)', timezone: 'Europe/London' })],
      startExecution,
    });
    expect(scheduler.next()).toEqual([
      { name: 'drill', at: new Date('2026-11-02T09:00:00Z'), firesAt: new Date('2026-11-02T09:00:00Z') },
    ]);
    await vi.advanceTimersByTimeAsync(HOUR - 1);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(calls).toEqual([
      { arn: DRILLS_ARN, input: { drillId: 'orders-db' }, scheduledTime: '2026-11-02T09:00:00.000Z', realTime: '2026-11-02T09:00:00.000Z' },
      { arn: DRILLS_ARN, input: { drillId: 'orders-db' }, scheduledTime: '2026-11-03T09:00:00.000Z', realTime: '2026-11-03T09:00:00.000Z' },
    ]);
  });

  it('divides every gap by timeScale: rate(1 hour) fires at once, then every minute at 60x', async () => {
    scheduler = startLocalScheduler({ schedules: [schedule({ expression: 'rate(1 hour)' })], startExecution, timeScale: 60 });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((call) => call.realTime)).toEqual(['2026-11-02T08:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(calls.map((call) => [call.scheduledTime, call.realTime])).toEqual([
      ['2026-11-02T08:00:00.000Z', '2026-11-02T08:00:00.000Z'],
      ['2026-11-02T09:00:00.000Z', '2026-11-02T08:01:00.000Z'],
      ['2026-11-02T10:00:00.000Z', '2026-11-02T08:02:00.000Z'],
      ['2026-11-02T11:00:00.000Z', '2026-11-02T08:03:00.000Z'],
    ]);
    expect(scheduler.next()).toEqual([
      { name: 'drill', at: new Date('2026-11-02T12:00:00Z'), firesAt: new Date('2026-11-02T08:04:00Z') },
    ]);
  });

  it('fires an at() schedule once and then has nothing next', async () => {
    scheduler = startLocalScheduler({
      schedules: [schedule({ expression: 'at(2026-11-02T10:30:00)', timezone: 'Europe/Paris' })],
      startExecution,
    });
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls.map((call) => call.scheduledTime)).toEqual(['2026-11-02T09:30:00.000Z']);
    expect(scheduler.next()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits in steps past the setTimeout limit for a fire weeks away', async () => {
    scheduler = startLocalScheduler({ schedules: [schedule({ expression: 'at(2027-01-15T09:00:00)' })], startExecution });
    // 74 days takes the clock to 2027-01-15T08:00Z, past three setTimeout limits.
    await vi.advanceTimersByTimeAsync(74 * 24 * HOUR);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls.map((call) => call.scheduledTime)).toEqual(['2027-01-15T09:00:00.000Z']);
  });

  it('leaves disabled schedules and past at() schedules alone', async () => {
    scheduler = startLocalScheduler({
      schedules: [
        schedule({ name: 'off', expression: 'rate(1 minute)', enabled: false }),
        schedule({ name: 'past', expression: 'at(2026-01-01T00:00:00)' }),
      ],
      startExecution,
    });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toEqual([]);
    expect(scheduler.next()).toEqual([]);
  });

  it('reports a failed start and keeps firing', async () => {
    const errors: string[] = [];
    let attempt = 0;
    scheduler = startLocalScheduler({
      schedules: [schedule({ expression: 'rate(1 minute)' })],
      startExecution: async (arn, input, scheduledTime) => {
        attempt += 1;
        if (attempt === 1) throw new Error('ExecutionLimitExceeded');
        await startExecution(arn, input, scheduledTime);
      },
      onError: (failed, error) => errors.push(`${failed.name}: ${(error as Error).message}`),
    });
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(errors).toEqual(['drill: ExecutionLimitExceeded']);
    expect(calls.map((call) => call.scheduledTime)).toEqual(['2026-11-02T08:01:00.000Z', '2026-11-02T08:02:00.000Z']);
  });

  it('fires within the flexible time window, and passes the scheduled time', async () => {
    scheduler = startLocalScheduler({
      schedules: [schedule({ expression: 'cron(0 9 * * ? *)', flexibleWindowMinutes: 10 })],
      startExecution,
      random: () => 0.5,
    });
    await vi.advanceTimersByTimeAsync(HOUR + 4 * 60_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.map((call) => [call.scheduledTime, call.realTime])).toEqual([['2026-11-02T09:00:00.000Z', '2026-11-02T09:05:00.000Z']]);
  });

  it('counts a rate from the schedule start date', async () => {
    scheduler = startLocalScheduler({
      schedules: [schedule({ expression: 'rate(30 minutes)', startDate: new Date('2026-11-02T07:50:00Z') })],
      startExecution,
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls.map((call) => call.scheduledTime)).toEqual(['2026-11-02T08:20:00.000Z', '2026-11-02T08:50:00.000Z']);
  });

  it('stop() clears every timer and nothing fires after it', async () => {
    scheduler = startLocalScheduler({
      schedules: [schedule({ name: 'a', expression: 'rate(1 minute)' }), schedule({ name: 'b', expression: 'cron(0/5 * * * ? *)' })],
      startExecution,
    });
    await vi.advanceTimersByTimeAsync(0);
    const before = calls.length;
    scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls.length).toBe(before);
    expect(scheduler.next()).toEqual([]);
  });

  it('lists the next fire of each schedule, soonest first', () => {
    scheduler = startLocalScheduler({
      schedules: [
        schedule({ name: 'weekly', expression: 'cron(0 2 ? * SUN *)', timezone: 'America/New_York' }),
        schedule({ name: 'monthly', expression: 'cron(0 3 L * ? *)', timezone: 'UTC' }),
      ],
      startExecution,
      timeScale: 2,
    });
    expect(scheduler.next()).toEqual([
      // Sunday 2026-11-08 02:00 EST; at 2x it fires halfway there in real time.
      { name: 'weekly', at: new Date('2026-11-08T07:00:00Z'), firesAt: new Date('2026-11-05T07:30:00Z') },
      { name: 'monthly', at: new Date('2026-11-30T03:00:00Z'), firesAt: new Date('2026-11-16T05:30:00Z') },
    ]);
  });

  it('refuses an invalid schedule at start, naming it', () => {
    expect(() =>
      startLocalScheduler({ schedules: [schedule({ name: 'nightly', expression: 'cron(0 2 * * * *)' })], startExecution }),
    ).toThrow(/schedule nightly: invalid schedule expression 'cron\(0 2 \* \* \* \*\)': day-of-month \(\*\) and day-of-week \(\*\)/);
    expect(() =>
      startLocalScheduler({ schedules: [schedule({ expression: 'rate(1 hour)', timezone: 'Europe/Londres' })], startExecution }),
    ).toThrow(/schedule drill: unknown time zone 'Europe\/Londres'/);
    expect(() =>
      startLocalScheduler({ schedules: [schedule({ expression: 'rate(1 hour)' }), schedule({ expression: 'rate(2 hours)' })], startExecution }),
    ).toThrow(/two schedules are named drill/);
    expect(() => startLocalScheduler({ schedules: [], startExecution, timeScale: 0 })).toThrow(/timeScale must be a positive number/);
  });
});
