import { describe, expect, it } from 'vitest';
import {
  InvalidScheduleExpressionError,
  nextFireTimes,
  parseScheduleExpression,
} from '../../functions/domain/schedule/expression.js';
import { instantsOfWallClock, wallClockAt } from '../../functions/domain/schedule/time-zone.js';

const iso = (dates: Date[]): string[] => dates.map((date) => date.toISOString().replace('.000Z', 'Z'));
const next = (expression: string, timezone: string | undefined, after: string, count = 3): string[] =>
  iso(nextFireTimes(expression, timezone, new Date(after), count));

describe('cron expressions as EventBridge Scheduler reads them', () => {
  it('fires daily at a fixed time (day-of-week ?)', () => {
    expect(next('cron(0 10 * * ? *)', 'UTC', '2026-11-01T10:00:00Z')).toEqual([
      '2026-11-02T10:00:00Z',
      '2026-11-03T10:00:00Z',
      '2026-11-04T10:00:00Z',
    ]);
  });

  it('defaults to UTC when the schedule names no time zone', () => {
    expect(next('cron(15 12 * * ? *)', undefined, '2026-11-01T00:00:00Z', 1)).toEqual(['2026-11-01T12:15:00Z']);
  });

  it('reads day-of-week 1-7 as SUN-SAT, with names and ranges', () => {
    // 2026-11-06 is a Friday; MON-FRI skips the weekend.
    expect(next('cron(0 18 ? * MON-FRI *)', 'UTC', '2026-11-06T19:00:00Z', 2)).toEqual(['2026-11-09T18:00:00Z', '2026-11-10T18:00:00Z']);
    expect(next('cron(0 18 ? * 2-6 *)', 'UTC', '2026-11-06T19:00:00Z', 2)).toEqual(['2026-11-09T18:00:00Z', '2026-11-10T18:00:00Z']);
    // 1 is Sunday, 7 is Saturday.
    expect(next('cron(0 8 ? * 1 *)', 'UTC', '2026-11-01T09:00:00Z', 1)).toEqual(['2026-11-08T08:00:00Z']);
    expect(next('cron(0 8 ? * 7 *)', 'UTC', '2026-11-01T09:00:00Z', 1)).toEqual(['2026-11-07T08:00:00Z']);
    expect(next('cron(0 8 ? * sun,sat *)', 'UTC', '2026-11-02T00:00:00Z', 2)).toEqual(['2026-11-07T08:00:00Z', '2026-11-08T08:00:00Z']);
  });

  it('takes a day of the month with ? in day-of-week, and month names', () => {
    expect(next('cron(0 8 1 * ? *)', 'UTC', '2026-11-15T00:00:00Z', 2)).toEqual(['2026-12-01T08:00:00Z', '2027-01-01T08:00:00Z']);
    expect(next('cron(0 8 1 JAN,JUL ? *)', 'UTC', '2026-11-15T00:00:00Z', 2)).toEqual(['2027-01-01T08:00:00Z', '2027-07-01T08:00:00Z']);
  });

  it('reads n/step as "from n, every step" (Quartz style)', () => {
    expect(next('cron(0/15 * * * ? *)', 'UTC', '2026-11-01T00:00:00Z', 4)).toEqual([
      '2026-11-01T00:15:00Z',
      '2026-11-01T00:30:00Z',
      '2026-11-01T00:45:00Z',
      '2026-11-01T01:00:00Z',
    ]);
    expect(next('cron(1/10 * * * ? *)', 'UTC', '2026-11-01T00:00:00Z', 3)).toEqual([
      '2026-11-01T00:01:00Z',
      '2026-11-01T00:11:00Z',
      '2026-11-01T00:21:00Z',
    ]);
    expect(next('cron(0/5 8-17 ? * MON-FRI *)', 'UTC', '2026-11-06T17:50:00Z', 3)).toEqual([
      '2026-11-06T17:55:00Z',
      '2026-11-09T08:00:00Z',
      '2026-11-09T08:05:00Z',
    ]);
  });

  it('runs L in day-of-month on the last day of each month', () => {
    expect(next('cron(0 9 L * ? *)', 'UTC', '2028-01-01T00:00:00Z', 3)).toEqual([
      '2028-01-31T09:00:00Z',
      '2028-02-29T09:00:00Z', // leap year
      '2028-03-31T09:00:00Z',
    ]);
  });

  it('runs LW on the last weekday and nW on the weekday nearest day n', () => {
    // 2026-01-31 is a Saturday, 2026-02-28 a Saturday.
    expect(next('cron(0 9 LW * ? *)', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-30T09:00:00Z', '2026-02-27T09:00:00Z']);
    // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th.
    expect(next('cron(0 9 15W * ? *)', 'UTC', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-16T09:00:00Z']);
  });

  it('runs nL in day-of-week on the last such weekday, and L alone on Saturdays', () => {
    // The last Friday (6) of January, February and March 2026.
    expect(next('cron(0 9 ? * 6L *)', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-30T09:00:00Z',
      '2026-02-27T09:00:00Z',
      '2026-03-27T09:00:00Z',
    ]);
    expect(next('cron(0 9 ? * FRIL *)', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-30T09:00:00Z']);
    expect(next('cron(0 9 ? * L *)', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-03T09:00:00Z', '2026-01-10T09:00:00Z']);
  });

  it('runs n#k on the k-th such weekday of the month', () => {
    // 3#2 is the second Tuesday, as in the service's documentation.
    expect(next('cron(0 9 ? * 3#2 *)', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-13T09:00:00Z',
      '2026-02-10T09:00:00Z',
      '2026-03-10T09:00:00Z',
    ]);
    expect(next('cron(0 9 ? * MON#1 *)', 'UTC', '2026-11-03T00:00:00Z', 1)).toEqual(['2026-12-07T09:00:00Z']);
  });

  it('honours the year field and stops when the years run out', () => {
    expect(next('cron(0 9 1 JAN ? 2027-2028)', 'UTC', '2026-01-01T00:00:00Z', 5)).toEqual(['2027-01-01T09:00:00Z', '2028-01-01T09:00:00Z']);
    expect(next('cron(0 9 1 1 ? 2020)', 'UTC', '2026-01-01T00:00:00Z')).toEqual([]);
    expect(next('cron(0 0 29 2 ? 2026/2)', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
  });

  it('evaluates the fields on the wall clock of the schedule time zone', () => {
    // 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
    expect(next('cron(0 9 * * ? *)', 'Europe/London', '2026-01-10T00:00:00Z', 1)).toEqual(['2026-01-10T09:00:00Z']);
    expect(next('cron(0 9 * * ? *)', 'Europe/London', '2026-07-10T00:00:00Z', 1)).toEqual(['2026-07-10T08:00:00Z']);
    expect(next('cron(0 9 * * ? *)', 'Asia/Kolkata', '2026-07-10T00:00:00Z', 1)).toEqual(['2026-07-10T03:30:00Z']);
  });
});

describe('daylight saving time', () => {
  it('keeps local time across a change (Europe/London, spring forward on 2026-03-29)', () => {
    expect(next('cron(0 9 * * ? *)', 'Europe/London', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T09:00:00Z', // GMT
      '2026-03-29T08:00:00Z', // BST
      '2026-03-30T08:00:00Z',
    ]);
  });

  it('skips a time that does not exist when the clocks go forward (Europe/London, 01:30)', () => {
    expect(next('cron(30 1 * * ? *)', 'Europe/London', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00Z',
      // 2026-03-29 01:30 never happens in London: skipped.
      '2026-03-30T00:30:00Z',
      '2026-03-31T00:30:00Z',
    ]);
  });

  it('skips a time that does not exist when the clocks go forward (America/New_York, 02:30 on 2026-03-08)', () => {
    expect(next('cron(30 2 * * ? *)', 'America/New_York', '2026-03-06T12:00:00Z', 3)).toEqual([
      '2026-03-07T07:30:00Z',
      '2026-03-09T06:30:00Z',
      '2026-03-10T06:30:00Z',
    ]);
  });

  it('runs a repeated time once when the clocks go back (America/New_York, 01:30 on 2026-11-01)', () => {
    expect(next('cron(30 1 * * ? *)', 'America/New_York', '2026-10-31T12:00:00Z', 3)).toEqual([
      '2026-11-01T05:30:00Z', // 01:30 EDT; 01:30 EST an hour later does not fire
      '2026-11-02T06:30:00Z',
      '2026-11-03T06:30:00Z',
    ]);
  });

  it('does not repeat the hour for a schedule that fires every few minutes', () => {
    expect(next('cron(0/30 1-2 * * ? *)', 'America/New_York', '2026-11-01T04:00:00Z', 4)).toEqual([
      '2026-11-01T05:00:00Z', // 01:00 EDT
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T07:00:00Z', // 02:00 EST
      '2026-11-01T07:30:00Z',
    ]);
  });

  it('finds the next fire from inside the repeated hour', () => {
    // 06:10Z is 01:10 EST, the second pass through 01:xx: nothing more fires until 02:00 EST.
    expect(next('cron(0/15 * * * ? *)', 'America/New_York', '2026-11-01T06:10:00Z', 2)).toEqual([
      '2026-11-01T07:00:00Z',
      '2026-11-01T07:15:00Z',
    ]);
  });
});

describe('rate and at expressions', () => {
  it('fires rate schedules every interval from the start date', () => {
    const start = new Date('2026-11-01T10:07:00Z');
    const times = nextFireTimes('rate(1 hour)', 'UTC', new Date('2026-11-01T12:00:00Z'), 2, { startDate: start });
    expect(iso(times)).toEqual(['2026-11-01T12:07:00Z', '2026-11-01T13:07:00Z']);
    expect(iso(nextFireTimes('rate(5 minutes)', 'UTC', start, 2, { startDate: start }))).toEqual(['2026-11-01T10:12:00Z', '2026-11-01T10:17:00Z']);
    // The start itself counts when the search begins before it.
    expect(iso(nextFireTimes('rate(2 days)', 'UTC', new Date(start.getTime() - 1), 2, { startDate: start }))).toEqual([
      '2026-11-01T10:07:00Z',
      '2026-11-03T10:07:00Z',
    ]);
  });

  it('counts a rate day as 24 hours, whatever the clocks do', () => {
    const start = new Date('2026-03-28T09:00:00Z'); // 09:00 GMT in London
    expect(iso(nextFireTimes('rate(1 day)', 'Europe/London', start, 2, { startDate: start }))).toEqual([
      '2026-03-29T09:00:00Z', // 10:00 BST
      '2026-03-30T09:00:00Z',
    ]);
  });

  it('stops at the end date', () => {
    const start = new Date('2026-11-01T00:00:00Z');
    const end = new Date('2026-11-01T03:00:00Z');
    expect(iso(nextFireTimes('rate(1 hour)', 'UTC', start, 10, { startDate: start, endDate: end }))).toEqual([
      '2026-11-01T01:00:00Z',
      '2026-11-01T02:00:00Z',
    ]);
  });

  it('fires an at() schedule once, at that wall time in its zone', () => {
    expect(next('at(2026-11-30T09:00:00)', 'America/New_York', '2026-11-01T00:00:00Z')).toEqual(['2026-11-30T14:00:00Z']);
    expect(next('at(2026-07-01T09:00:00)', 'Europe/London', '2026-06-01T00:00:00Z')).toEqual(['2026-07-01T08:00:00Z']);
    expect(next('at(2026-11-30T09:00:00)', 'UTC', '2026-12-01T00:00:00Z')).toEqual([]);
  });

  it('puts an at() time inside a spring-forward gap where the old offset would have it', () => {
    expect(next('at(2026-03-08T02:30:00)', 'America/New_York', '2026-03-01T00:00:00Z')).toEqual(['2026-03-08T07:30:00Z']);
  });
});

describe('invalid expressions', () => {
  const rejects = (expression: string, message: RegExp): void => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  };

  it('says what shape an expression must have', () => {
    rejects('0 10 * * ? *', /write cron\(minutes hours day-of-month month day-of-week year\), rate\(value unit\) or at/);
    rejects('cron(0 10 * * ?)', /has 6 fields .* this one has 5; add the year/);
    rejects('cron(0 0 10 * * ? *)', /this one has 7/);
  });

  it('requires ? in exactly one of day-of-month and day-of-week', () => {
    rejects('cron(0 10 * * * *)', /cannot both be set: use \? in one of them, e\.g\. cron\(0 10 \* \* \? \*\)/);
    rejects('cron(0 10 1 * MON *)', /cannot both be set/);
    rejects('cron(0 10 ? * ? *)', /only one of day-of-month and day-of-week can be \?/);
    rejects('cron(? 10 * * ? *)', /\? is only allowed in day-of-month or day-of-week, not in minutes/);
  });

  it('checks every value against its field range', () => {
    rejects('cron(60 10 * * ? *)', /minutes value 60 is out of range 0-59/);
    rejects('cron(0 24 * * ? *)', /hours value 24 is out of range 0-23/);
    rejects('cron(0 10 32 * ? *)', /day-of-month value 32 is out of range 1-31/);
    rejects('cron(0 10 1 13 ? *)', /month value 13 is out of range 1-12 or JAN-DEC/);
    rejects('cron(0 10 ? * 0 *)', /day-of-week value 0 is out of range 1-7 or SUN-SAT/);
    rejects('cron(0 10 ? * 8 *)', /day-of-week value 8 is out of range/);
    rejects('cron(0 10 * * ? 1969)', /year value 1969 is out of range 1970-2199/);
    rejects('cron(0 10 ? * FUN *)', /'FUN' is not a day-of-week value \(1-7 or SUN-SAT\)/);
    rejects('cron(0 10-8 * * ? *)', /the range 10-8 in hours runs backwards/);
  });

  it('rejects wildcards where the service does not take them', () => {
    rejects('cron(0 10 ? * */2 *)', /day-of-week does not take \/ increments/);
    rejects('cron(0 10 ? * 3#1,6#3 *)', /# in day-of-week takes one day and its occurrence/);
    rejects('cron(0 10 ? * 3#6 *)', /the occurrence after # must be 1-5/);
    rejects('cron(0 10 1-5W * ? *)', /W in day-of-month goes after a single day/);
    rejects('cron(0 10 L,15 * ? *)', /L in day-of-month stands alone/);
    rejects('cron(0/0 10 * * ? *)', /increment in minutes item '0\/0' must be a positive number/);
  });

  it('checks rate units and values', () => {
    rejects('rate(1 hours)', /a value of 1 takes the singular unit: rate\(1 hour\)/);
    rejects('rate(5 minute)', /a value above 1 takes the plural unit: rate\(5 minutes\)/);
    rejects('rate(0 minutes)', /positive whole number/);
    rejects('rate(2 weeks)', /the unit must be minute\(s\), hour\(s\) or day\(s\)/);
    rejects('rate(1.5 hours)', /write rate\(value unit\)/);
  });

  it('checks at() dates', () => {
    rejects('at(2026-02-30T09:00:00)', /is not a real date and time/);
    rejects('at(2026-11-30T09:00:00Z)', /with no offset or Z/);
    rejects('at(2026-11-30 09:00)', /write at\(yyyy-mm-ddThh:mm:ss\)/);
  });

  it('rejects an unknown time zone', () => {
    expect(() => nextFireTimes('rate(1 hour)', 'Mars/Olympus_Mons', new Date(), 1)).toThrow(/unknown time zone 'Mars\/Olympus_Mons'/);
    expect(() => nextFireTimes('rate(1 hour)', '+02:00', new Date(), 1)).toThrow(/unknown time zone/);
  });
});

describe('wall clock and instants', () => {
  it('maps wall times in a gap to nothing and repeated ones to both instants', () => {
    const wall = (text: string): number => Date.parse(`${text}Z`);
    expect(instantsOfWallClock(wall('2026-03-08T02:30:00'), 'America/New_York')).toEqual([]);
    expect(instantsOfWallClock(wall('2026-11-01T01:30:00'), 'America/New_York')).toEqual([
      Date.parse('2026-11-01T05:30:00Z'),
      Date.parse('2026-11-01T06:30:00Z'),
    ]);
    expect(wallClockAt(Date.parse('2026-07-01T08:00:00Z'), 'Europe/London')).toBe(wall('2026-07-01T09:00:00'));
  });
});
