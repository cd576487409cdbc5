import { Cron } from 'croner';
import { instantOfWallClock, instantsOfWallClock, isKnownTimeZone, wallClockAt } from './time-zone.js';

/**
 * EventBridge Scheduler schedule expressions, evaluated as the service does:
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: day-of-week 1-7 is SUN-SAT, exactly
 *   one of the two day fields is `?`, `L`, `W`, `LW` and `#` as in Quartz, years 1970-2199.
 *   Croner does the calendar work (in Quartz weekday mode) on the schedule's wall clock; this module
 *   applies the zone the way the service documents daylight saving time: a wall time that does not
 *   exist (spring forward) is skipped, and one that occurs twice (fall back) runs once, the first time.
 * - `rate(value unit)`: every value minutes/hours/days (singular unit for 1, plural otherwise) from
 *   the schedule's start; a day is 24 hours, whatever the clocks do.
 * - `at(yyyy-mm-ddThh:mm:ss)`: once, at that wall time in the schedule's zone.
 */

export class InvalidScheduleExpressionError extends Error {
  override name = 'InvalidScheduleExpressionError';
}

export interface WallClockTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: CronFields; readonly cron: Cron }
  | { readonly kind: 'rate'; readonly expression: string; readonly value: number; readonly unit: RateUnit; readonly intervalMs: number }
  | { readonly kind: 'at'; readonly expression: string; readonly time: WallClockTime; readonly wallMs: number };

export type RateUnit = 'minute' | 'hour' | 'day';

export interface CronFields {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

/** The zone EventBridge Scheduler uses when a schedule names none. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

const MINUTE_MS = 60_000;
const UNIT_MS: Record<RateUnit, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };
const LAST_YEAR = 2199;

/** Parses and checks an expression; the error names the part to change and how. */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const text = expression.trim();
  const call = /^(cron|rate|at)\((.*)\)$/s.exec(text);
  if (!call) {
    throw invalid(expression, 'write cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)');
  }
  const [, kind, body = ''] = call;
  if (kind === 'rate') return parseRate(expression, body.trim());
  if (kind === 'at') return parseAt(expression, body.trim());
  return parseCron(expression, body.trim());
}

/** Throws unless the time zone is one EventBridge Scheduler would take (an IANA name). */
export function assertScheduleTimezone(timezone: string): void {
  if (!isKnownTimeZone(timezone)) {
    throw new InvalidScheduleExpressionError(
      `unknown time zone '${timezone}': use an IANA name such as UTC, Europe/London or America/New_York`,
    );
  }
}

export interface FireTimeWindow {
  /** No fire before this instant; a rate schedule counts its intervals from here. Default: `after` for rates. */
  readonly startDate?: Date;
  /** No fire at or after this instant. */
  readonly endDate?: Date;
}

/**
 * The next `count` instants, strictly after `after`, at which the schedule fires. A rate schedule
 * fires at startDate + k × interval (k ≥ 0); without a startDate it counts from `after`.
 */
export function nextFireTimes(
  expression: string | ScheduleExpression,
  timezone: string | undefined,
  after: Date,
  count: number,
  window: FireTimeWindow = {},
): Date[] {
  const schedule = typeof expression === 'string' ? parseScheduleExpression(expression) : expression;
  const zone = timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
  assertScheduleTimezone(zone);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
  const startMs = window.startDate?.getTime();
  const endMs = window.endDate?.getTime() ?? Number.POSITIVE_INFINITY;
  // Fires strictly after `after` and not before the start: search from whichever is later.
  const fromMs = Math.max(after.getTime(), startMs === undefined ? Number.NEGATIVE_INFINITY : startMs - 1);
  const times: number[] = [];

  if (schedule.kind === 'at') {
    const instant = instantOfWallClock(schedule.wallMs, zone);
    if (instant > fromMs && instant < endMs && count > 0) times.push(instant);
  } else if (schedule.kind === 'rate') {
    const anchor = startMs ?? after.getTime();
    const first = fromMs < anchor ? 0 : Math.floor((fromMs - anchor) / schedule.intervalMs) + 1;
    for (let k = first; times.length < count; k++) {
      const instant = anchor + k * schedule.intervalMs;
      if (instant >= endMs) break;
      times.push(instant);
    }
  } else {
    let wall = wallClockAt(fromMs, zone);
    while (times.length < count) {
      const next = schedule.cron.nextRun(new Date(wall));
      if (!next || next.getUTCFullYear() > LAST_YEAR) break;
      wall = next.getTime();
      // Spring forward: the wall time never happens, so the fire is skipped. Fall back: the first time only.
      const [instant] = instantsOfWallClock(wall, zone);
      if (instant === undefined || instant <= fromMs) continue;
      if (instant >= endMs) break;
      times.push(instant);
    }
  }
  return times.map((instant) => new Date(instant));
}

function invalid(expression: string, message: string): InvalidScheduleExpressionError {
  return new InvalidScheduleExpressionError(`invalid schedule expression '${expression}': ${message}`);
}

function parseRate(expression: string, body: string): ScheduleExpression {
  const match = /^(\d+)\s+([a-z]+)$/i.exec(body);
  if (!match) throw invalid(expression, 'write rate(value unit), e.g. rate(5 minutes) or rate(1 day)');
  const value = Number(match[1]);
  const unitText = match[2]!;
  const unit = unitText.replace(/s$/, '') as RateUnit;
  if (!(unit in UNIT_MS) || unitText !== unitText.toLowerCase()) {
    throw invalid(expression, `the unit must be minute(s), hour(s) or day(s), not '${unitText}'`);
  }
  if (value < 1) throw invalid(expression, 'the value must be a positive whole number');
  const plural = unitText.endsWith('s');
  if (value === 1 && plural) throw invalid(expression, `a value of 1 takes the singular unit: rate(1 ${unit})`);
  if (value > 1 && !plural) throw invalid(expression, `a value above 1 takes the plural unit: rate(${value} ${unit}s)`);
  return { kind: 'rate', expression, value, unit, intervalMs: value * UNIT_MS[unit] };
}

function parseAt(expression: string, body: string): ScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) throw invalid(expression, 'write at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-30T09:00:00), with no offset or Z');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  const valid =
    wall.getUTCFullYear() === year &&
    wall.getUTCMonth() === month - 1 &&
    wall.getUTCDate() === day &&
    wall.getUTCHours() === hour &&
    wall.getUTCMinutes() === minute &&
    wall.getUTCSeconds() === second;
  if (!valid) throw invalid(expression, `${body} is not a real date and time`);
  return { kind: 'at', expression, time: { year, month, day, hour, minute, second }, wallMs: wall.getTime() };
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
  readonly step: boolean;
}

const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const DAY_NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const MINUTES: FieldSpec = { label: 'minutes', min: 0, max: 59, step: true };
const HOURS: FieldSpec = { label: 'hours', min: 0, max: 23, step: true };
const DAY_OF_MONTH: FieldSpec = { label: 'day-of-month', min: 1, max: 31, step: true };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTH_NAMES, step: true };
// The service's reference lists no / for day-of-week.
const DAY_OF_WEEK: FieldSpec = { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, step: false };
const YEAR: FieldSpec = { label: 'year', min: 1970, max: LAST_YEAR, step: true };

function parseCron(expression: string, body: string): ScheduleExpression {
  const parts = body.split(/\s+/).filter((part) => part !== '');
  if (parts.length !== 6) {
    throw invalid(
      expression,
      `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${parts.length}` +
        (parts.length === 5 ? '; add the year, e.g. *' : ''),
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts.map((part) => part.toUpperCase()) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const fail = (message: string): never => {
    throw invalid(expression, message);
  };
  for (const [field, spec] of [
    [minutes, MINUTES],
    [hours, HOURS],
    [month, MONTH],
    [year, YEAR],
  ] as const) {
    if (field.includes('?')) fail(`? is only allowed in day-of-month or day-of-week, not in ${spec.label}`);
  }
  if (dayOfMonth === '?' && dayOfWeek === '?') {
    fail('only one of day-of-month and day-of-week can be ?; put * or a value in the other, e.g. cron(0 9 * * ? *)');
  }
  if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    fail(
      `day-of-month (${dayOfMonth}) and day-of-week (${dayOfWeek}) cannot both be set: use ? in one of them, ` +
        `e.g. cron(${minutes} ${hours} ${dayOfMonth} ${month} ? ${year}) or cron(${minutes} ${hours} ? ${month} ${dayOfWeek} ${year})`,
    );
  }

  const cronerFields = [
    '0',
    normalizeList(minutes, MINUTES, fail),
    normalizeList(hours, HOURS, fail),
    dayOfMonth === '?' ? '*' : normalizeDayOfMonth(dayOfMonth, fail),
    normalizeList(month, MONTH, fail),
    dayOfWeek === '?' ? '*' : normalizeDayOfWeek(dayOfWeek, fail),
    normalizeList(year, YEAR, fail),
  ];
  let cron: Cron;
  try {
    // The wall clock is evaluated in UTC (no DST there); nextFireTimes maps it to the schedule's zone.
    cron = new Cron(cronerFields.join(' '), {
      mode: '7-part',
      alternativeWeekdays: true,
      sloppyRanges: true,
      domAndDow: false,
      utcOffset: 0,
    });
  } catch (error) {
    throw invalid(expression, (error as Error).message.replace(/^CronPattern: /, ''));
  }
  return { kind: 'cron', expression, fields: { minutes, hours, dayOfMonth, month, dayOfWeek, year }, cron };
}

type Fail = (message: string) => never;

/** `*`, values, ranges and steps, comma-separated; names become numbers. */
function normalizeList(field: string, spec: FieldSpec, fail: Fail): string {
  return field
    .split(',')
    .map((item) => normalizeItem(item, spec, fail))
    .join(',');
}

function normalizeItem(item: string, spec: FieldSpec, fail: Fail): string {
  if (item === '') fail(`${spec.label} has an empty list item`);
  const [range = '', step, ...extra] = item.split('/');
  if (extra.length > 0) fail(`${spec.label} item '${item}' has more than one /`);
  if (step !== undefined) {
    if (!spec.step) fail(`${spec.label} does not take / increments ('${item}'); list the values instead, e.g. MON,WED,FRI`);
    if (!/^\d+$/.test(step) || Number(step) === 0) fail(`the increment in ${spec.label} item '${item}' must be a positive number`);
    if (range === '') fail(`${spec.label} item '${item}' needs a start, e.g. 0/${step} or */${step}`);
  }
  if (range === '*') return item;
  const bounds = range.split('-');
  if (bounds.length > 2 || bounds.some((bound) => bound === '')) fail(`${spec.label} item '${item}' is not a value or a range like 1-5`);
  const values = bounds.map((bound) => fieldValue(bound, spec, fail));
  if (values.length === 2 && values[0]! > values[1]!) {
    fail(`the range ${range} in ${spec.label} runs backwards; write it low to high`);
  }
  return values.join('-') + (step === undefined ? '' : `/${step}`);
}

function fieldValue(text: string, spec: FieldSpec, fail: Fail): number {
  const named = spec.names?.[text];
  const value = named ?? (/^\d+$/.test(text) ? Number(text) : Number.NaN);
  const names = spec.names ? ` or ${Object.keys(spec.names)[0]}-${Object.keys(spec.names).at(-1)}` : '';
  if (Number.isNaN(value)) fail(`'${text}' is not a ${spec.label} value (${spec.min}-${spec.max}${names})`);
  if (value < spec.min || value > spec.max) fail(`${spec.label} value ${text} is out of range ${spec.min}-${spec.max}${names}`);
  return value;
}

/** Adds L (last day), LW (last weekday) and nW (weekday nearest day n), each on its own. */
function normalizeDayOfMonth(field: string, fail: Fail): string {
  if (field === 'L' || field === 'LW') return field;
  if (/W/.test(field)) {
    const nearest = /^(\d+)W$/.exec(field);
    if (!nearest) fail(`W in day-of-month goes after a single day, e.g. 15W (the weekday nearest the 15th), not '${field}'`);
    return `${fieldValue(nearest![1]!, DAY_OF_MONTH, fail)}W`;
  }
  if (/L/.test(field)) fail(`L in day-of-month stands alone (the last day of the month), not '${field}'`);
  return normalizeList(field, DAY_OF_MONTH, fail);
}

/** Adds L alone (the last day of the week, SAT), nL (the last weekday n of the month) and n#k (the k-th). */
function normalizeDayOfWeek(field: string, fail: Fail): string {
  if (field === 'L') return '7';
  if (field.includes('#')) {
    const nth = /^([A-Z]+|\d+)#(\d+)$/.exec(field);
    if (!nth) fail(`# in day-of-week takes one day and its occurrence, e.g. 3#2 or TUE#2 (the second Tuesday), not '${field}'`);
    const occurrence = Number(nth![2]);
    if (occurrence < 1 || occurrence > 5) fail(`the occurrence after # must be 1-5, not ${nth![2]}`);
    return `${fieldValue(nth![1]!, DAY_OF_WEEK, fail)}#${occurrence}`;
  }
  if (field.endsWith('L')) {
    const last = /^([A-Z]{3}|\d+)L$/.exec(field);
    if (!last) fail(`L after a day of the week takes a single day, e.g. 6L or FRIL (the last Friday), not '${field}'`);
    return `${fieldValue(last![1]!, DAY_OF_WEEK, fail)}L`;
  }
  return normalizeList(field, DAY_OF_WEEK, fail);
}
