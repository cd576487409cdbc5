import {
  assertScheduleTimezone,
  DEFAULT_SCHEDULE_TIMEZONE,
  nextFireTimes,
  parseScheduleExpression,
  type ScheduleExpression,
} from '../../functions/domain/schedule/expression.js';

/** A schedule as CDK deploys it to EventBridge Scheduler, with a Step Functions StartExecution target. */
export interface LocalSchedule {
  readonly name: string;
  /** cron(...), rate(...) or at(...), as in ScheduleExpression. */
  readonly expression: string;
  /** ScheduleExpressionTimezone, an IANA name. @default 'UTC' */
  readonly timezone?: string;
  /** The state machine the target starts. */
  readonly targetArn: string;
  /** The execution input (the target's Input, already parsed). */
  readonly input: unknown;
  /** State DISABLED when false. @default true */
  readonly enabled?: boolean;
  /** FlexibleTimeWindow: each fire happens at a random moment up to this many minutes late. @default 0 (OFF) */
  readonly flexibleWindowMinutes?: number;
  /** StartDate: nothing fires before it; a rate schedule counts from it. @default when the scheduler starts */
  readonly startDate?: Date;
  /** EndDate: nothing fires at or after it. */
  readonly endDate?: Date;
}

export interface LocalSchedulerOptions {
  readonly schedules: readonly LocalSchedule[];
  /** Starts one execution; `scheduledTime` is the fire time the expression named (aws.scheduler.scheduled-time). */
  readonly startExecution: (stateMachineArn: string, input: unknown, scheduledTime: Date) => Promise<void>;
  /** Schedule time runs this many times faster than real time: rate(1 hour) fires every minute at 60. @default 1 */
  readonly timeScale?: number;
  /** The real clock. @default () => new Date() */
  readonly now?: () => Date;
  /** A fire whose execution did not start. @default console.error */
  readonly onError?: (schedule: LocalSchedule, error: unknown) => void;
  /** For the flexible time window, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface UpcomingFire {
  readonly name: string;
  /** The schedule time of the next fire (what the expression names). */
  readonly at: Date;
  /** The real time that schedule time comes (earlier than `at` when timeScale > 1), before any flexible window. */
  readonly firesAt: Date;
}

export interface LocalScheduler {
  /** Clears every timer; no fire starts after this. */
  stop(): void;
  /** The next fire of each enabled schedule that will fire again, soonest first. */
  next(): UpcomingFire[];
}

/** setTimeout's limit (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ArmedSchedule {
  readonly schedule: LocalSchedule;
  readonly expression: ScheduleExpression;
  readonly timezone: string;
  readonly startDate: Date;
  /** The next fire, in schedule time; undefined once the schedule has nothing left to fire. */
  nextAt: Date | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs EventBridge Scheduler schedules in this process: each fire starts an execution of the
 * target state machine. Schedule time starts at the real time of start and then runs `timeScale`
 * times faster, so every gap between fires shrinks by that factor. Invalid schedules fail here,
 * at start, as they would fail the deploy; a fire whose execution fails to start is reported and
 * the schedule carries on.
 */
export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  const realNow = options.now ?? (() => new Date());
  const onError = options.onError ?? ((schedule, error) => console.error(`schedule ${schedule.name}: ${(error as Error)?.message ?? error}`));
  const random = options.random ?? Math.random;
  const startedAtMs = realNow().getTime();
  // Schedule time: equal to real time at start, then timeScale times as fast.
  const scheduleNowMs = (): number => startedAtMs + (realNow().getTime() - startedAtMs) * timeScale;
  const realTimeOf = (scheduleMs: number): number => startedAtMs + (scheduleMs - startedAtMs) / timeScale;

  const names = new Set<string>();
  const armed = options.schedules.map((schedule): ArmedSchedule => {
    if (names.has(schedule.name)) throw new Error(`two schedules are named ${schedule.name}`);
    names.add(schedule.name);
    const timezone = schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
    try {
      assertScheduleTimezone(timezone);
      const expression = parseScheduleExpression(schedule.expression);
      return { schedule, expression, timezone, startDate: schedule.startDate ?? new Date(startedAtMs), nextAt: undefined, timer: undefined };
    } catch (error) {
      throw new Error(`schedule ${schedule.name}: ${(error as Error).message}`, { cause: error });
    }
  });
  let stopped = false;

  const fireTimeAfter = (entry: ArmedSchedule, afterMs: number): Date | undefined => {
    const window = { startDate: entry.startDate, ...(entry.schedule.endDate && { endDate: entry.schedule.endDate }) };
    return nextFireTimes(entry.expression, entry.timezone, new Date(afterMs), 1, window)[0];
  };

  const arm = (entry: ArmedSchedule): void => {
    if (stopped || entry.nextAt === undefined) return;
    const flexibleMs = (entry.schedule.flexibleWindowMinutes ?? 0) * 60_000 * random();
    const dueRealMs = realTimeOf(entry.nextAt.getTime() + flexibleMs);
    const wait = (): void => {
      const delay = Math.max(0, dueRealMs - realNow().getTime());
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (stopped) return;
        // Timers can fire early and long waits come in steps: only fire once the time has come.
        if (realNow().getTime() < dueRealMs) return wait();
        fire(entry);
      }, Math.min(delay, MAX_TIMER_MS));
      entry.timer.unref();
    };
    wait();
  };

  const fire = (entry: ArmedSchedule): void => {
    const scheduledTime = entry.nextAt!;
    // The next fire comes after both this one and now: fires missed while the process slept are not replayed.
    entry.nextAt = fireTimeAfter(entry, Math.max(scheduledTime.getTime(), scheduleNowMs()));
    arm(entry);
    let started: Promise<void>;
    try {
      started = options.startExecution(entry.schedule.targetArn, structuredClone(entry.schedule.input), scheduledTime);
    } catch (error) {
      started = Promise.reject(error);
    }
    started.catch((error: unknown) => {
      try {
        onError(entry.schedule, error);
      } catch {
        // A failing error reporter must not take the scheduler down.
      }
    });
  };

  for (const entry of armed) {
    if (entry.schedule.enabled === false) continue;
    // Just before start, so a rate schedule with no StartDate fires at once, as the service does.
    entry.nextAt = fireTimeAfter(entry, startedAtMs - 1);
    arm(entry);
  }

  return {
    stop: () => {
      stopped = true;
      for (const entry of armed) {
        clearTimeout(entry.timer);
        entry.timer = undefined;
      }
    },
    next: () =>
      armed
        .filter((entry) => !stopped && entry.nextAt !== undefined)
        .map((entry) => ({ name: entry.schedule.name, at: entry.nextAt!, firesAt: new Date(realTimeOf(entry.nextAt!.getTime())) }))
        .sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
}
