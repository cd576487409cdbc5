import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { BusinessCalendar, usFederalCalendar } from '../../functions/domain/business-calendars.js';
import { addBusinessDays, isBusinessDay, requireKnownHolidayJurisdictions, unknownHolidayJurisdictions } from '../../functions/domain/business-days.js';
import { addMonths, fromLocal, monthsDeadline, toLocal } from '../../functions/domain/zoned-time.js';

/* Business days on a jurisdiction's calendar (SEC Form 8-K's four, the review's five): weekends and public holidays skipped, local time kept. */

const at = (iso: string) => new Date(iso);
const us = usFederalCalendar;
const ireland: BusinessCalendar = { holidays: 'IE', timeZone: 'Europe/Dublin' };

describe('business days, fixed cases', () => {
  it('skips Thanksgiving: Wednesday 25 Nov 2026 10:00 New York + 1 is Friday the 27th 10:00', () => {
    expect(addBusinessDays(at('2026-11-25T15:00:00Z'), 1, us).toISOString()).toBe('2026-11-27T15:00:00.000Z');
  });

  it('skips Christmas week holidays: Tuesday 22 Dec + 4 passes Christmas (a Friday) and the weekend: Tuesday 29th', () => {
    expect(addBusinessDays(at('2026-12-22T20:00:00Z'), 4, us).toISOString()).toBe('2026-12-29T20:00:00.000Z');
    // ...and New Year's Day, also a Friday: Tuesday 29 Dec + 3 = Mon 4 Jan 2027.
    expect(addBusinessDays(at('2026-12-29T20:00:00Z'), 3, us).toISOString()).toBe('2027-01-04T20:00:00.000Z');
    // Ireland: the 25th, and St Stephen's Day on the Saturday (date-holidays lists no Monday substitute): Tuesday 29th.
    expect(addBusinessDays(at('2026-12-22T12:00:00Z'), 4, ireland).toISOString()).toBe('2026-12-29T12:00:00.000Z');
  });

  it('skips a holiday observed on a Friday: 4 July 2026 is a Saturday, observed Friday 3 July', () => {
    expect(isBusinessDay({ year: 2026, month: 7, day: 3 }, us)).toBe(false);
    // Thursday 2 July 12:00 New York + 1 = Monday 6 July.
    expect(addBusinessDays(at('2026-07-02T16:00:00Z'), 1, us).toISOString()).toBe('2026-07-06T16:00:00.000Z');
  });

  it('counts a start on a holiday from the next business day 00:00 local', () => {
    // Thanksgiving 12:00 New York: counted from Friday 00:00 EST, + 1 = Monday 30th 00:00 EST.
    expect(addBusinessDays(at('2026-11-26T17:00:00Z'), 1, us).toISOString()).toBe('2026-11-30T05:00:00.000Z');
  });

  it('keeps the local time of day across a DST change (UTC moves an hour)', () => {
    // Thursday 5 March 2026 15:00 EST + 4 = Wednesday 11 March 15:00 EDT (DST began Sunday 8 March).
    expect(addBusinessDays(at('2026-03-05T20:00:00Z'), 4, us).toISOString()).toBe('2026-03-11T19:00:00.000Z');
    // Europe ends DST on 25 October 2026, and Monday 26th is Ireland's October bank holiday:
    // Friday 23 Oct 09:00 Dublin (IST) + 1 = Tuesday 27 Oct 09:00 GMT.
    expect(addBusinessDays(at('2026-10-23T08:00:00Z'), 1, ireland).toISOString()).toBe('2026-10-27T09:00:00.000Z');
  });

  it('reads the day in the calendar\'s zone, not UTC: Friday 21:00 New York is already Saturday in UTC', () => {
    // Friday 20 Nov 21:00 EST = Saturday 02:00Z: a business day in New York, so + 1 = Monday 23rd 21:00 EST.
    expect(addBusinessDays(at('2026-11-21T02:00:00Z'), 1, us).toISOString()).toBe('2026-11-24T02:00:00.000Z');
  });
});

describe('zoned time', () => {
  it('names the earlier instant of an hour that occurs twice, and moves a skipped hour forward', () => {
    // 1 Nov 2026 01:30 New York happens at 05:30Z (EDT) and again at 06:30Z (EST): the earlier, stricter one.
    expect(fromLocal({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0, millisecond: 0 }, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // 8 Mar 2026 02:30 New York never happens: 03:30 EDT.
    expect(fromLocal({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0, millisecond: 0 }, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('adds calendar months at the same local time, a missing day clamped to the month\'s last', () => {
    expect(addMonths(at('2026-01-31T10:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    // 10 March 12:00 CET + 1 month = 10 April 12:00 CEST.
    expect(addMonths(at('2026-03-10T11:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-04-10T10:00:00.000Z');
    expect(addMonths(at('2026-12-15T11:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2027-01-15T11:00:00.000Z');
  });

  it('a month\'s deadline is never later than a month after a later instant, where the clamp would make it so', () => {
    // 28 Jan 11:00 CET: the clamp gives 28 Feb 11:00, but 29 Jan 00:00 + 1 month is 28 Feb 00:00 CET.
    expect(addMonths(at('2026-01-28T10:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(monthsDeadline(at('2026-01-28T10:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-02-27T23:00:00.000Z');
    // Where no later day clamps, it is addMonths (31 Jan: the next day is in February).
    expect(monthsDeadline(at('2026-01-31T10:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(monthsDeadline(at('2026-03-10T11:00:00Z'), 1, 'Europe/Brussels').toISOString()).toBe('2026-04-10T10:00:00.000Z');
  });
});

describe('business calendars in config', () => {
  it('defaults to US federal for the team and the SEC, and refuses a jurisdiction or zone it cannot count on', () => {
    const parsed = BusinessCalendarsConfig.parse({});
    expect(parsed.sec).toEqual({ holidays: 'US', timeZone: 'America/New_York' });
    expect(parsed.team).toEqual(parsed.sec);
    expect(BusinessCalendarsConfig.parse({ dora: { holidays: 'DE-BY', timeZone: 'Europe/Berlin' } }).dora.holidays).toBe('DE-BY');
    // The shape, in the config schema every function loads:
    for (const bad of [{ holidays: 'us', timeZone: 'UTC' }, { holidays: 'US', timeZone: 'America/Atlantis' }, { holidays: '__proto__', timeZone: 'UTC' }]) {
      const result = BusinessCalendarsConfig.safeParse({ sec: bad });
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(result.error!.issues[0]!.message).toMatch(/e\.g\./);
    }
    expect(BusinessCalendarsConfig.safeParse({ fed: us }).success).toBe(false);
    // ...and that date-holidays knows it, where the CDK app is synthesized and the local stack started:
    const unknown = BusinessCalendarsConfig.parse({ dora: { holidays: 'XX', timeZone: 'UTC' }, nis2: { holidays: 'DE-ZZ', timeZone: 'Europe/Berlin' } });
    expect(unknownHolidayJurisdictions(unknown)).toEqual([
      expect.stringContaining('businessCalendars.dora.holidays'),
      expect.stringContaining('businessCalendars.nis2.holidays'),
    ]);
    expect(() => requireKnownHolidayJurisdictions(unknown)).toThrow(/e\.g\. US, IE, DE-BY/);
    expect(unknownHolidayJurisdictions(parsed)).toEqual([]);
  });
});

/* Properties over every instant from 2024 to 2031 and every calendar we name. */
const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true });
const calendar = fc.constantFrom<BusinessCalendar>(us, ireland, { holidays: 'DE-BY', timeZone: 'Europe/Berlin' }, { holidays: 'JP', timeZone: 'Asia/Tokyo' });
const days = fc.integer({ min: 1, max: 30 });
const sameLocalTime = (a: Date, b: Date, zone: string) => {
  const [x, y] = [toLocal(a, zone), toLocal(b, zone)];
  return x.hour === y.hour && x.minute === y.minute && x.second === y.second;
};

describe('business days, properties', () => {
  it('lands on a business day, later than the start, with exactly n business days after the start day up to it', () => {
    fc.assert(
      fc.property(instant, days, calendar, (from, n, cal) => {
        const due = addBusinessDays(from, n, cal);
        expect(due.getTime()).toBeGreaterThan(from.getTime());
        const dueDay = toLocal(due, cal.timeZone);
        expect(isBusinessDay(dueDay, cal)).toBe(true);
        let counted = 0;
        for (let day = new Date(from.getTime() + 86_400_000); toLocal(day, cal.timeZone).year * 10_000 + toLocal(day, cal.timeZone).month * 100 + toLocal(day, cal.timeZone).day <= dueDay.year * 10_000 + dueDay.month * 100 + dueDay.day; day = new Date(day.getTime() + 86_400_000)) {
          if (isBusinessDay(toLocal(day, cal.timeZone), cal)) counted += 1;
        }
        // From a day off the count starts at the next business day's 00:00, which is itself not counted.
        expect(counted).toBe(isBusinessDay(toLocal(from, cal.timeZone), cal) ? n : n + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the local time of day from a business day, and composes: n then m = n + m', () => {
    fc.assert(
      fc.property(instant, days, days, calendar, (from, n, m, cal) => {
        fc.pre(isBusinessDay(toLocal(from, cal.timeZone), cal));
        const due = addBusinessDays(from, n, cal);
        const localHour = toLocal(from, cal.timeZone).hour;
        // Except a start in the hour DST skips on the due day, which moves forward.
        if (toLocal(due, cal.timeZone).hour === localHour) expect(sameLocalTime(from, due, cal.timeZone)).toBe(true);
        else expect(Math.abs(toLocal(due, cal.timeZone).hour - localHour)).toBe(1);
        expect(addBusinessDays(due, m, cal).getTime()).toBe(addBusinessDays(from, n + m, cal).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('never moves a deadline earlier when the start is later', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 5 * 86_400_000 }), days, calendar, (from, later, n, cal) => {
        expect(addBusinessDays(new Date(from.getTime() + later), n, cal).getTime()).toBeGreaterThanOrEqual(addBusinessDays(from, n, cal).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips an instant through its wall clock (to the earlier of two equal readings)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom('America/New_York', 'Europe/Dublin', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC'), (from, zone) => {
        const back = fromLocal(toLocal(from, zone), zone);
        expect(back.getTime()).toBeLessThanOrEqual(from.getTime());
        expect(from.getTime() - back.getTime()).toBeLessThanOrEqual(3_600_000);
        expect(toLocal(back, zone)).toEqual(toLocal(from, zone));
      }),
      { numRuns: 500 },
    );
  });
});

describe('month deadlines, properties', () => {
  const zone = fc.constantFrom('Europe/Brussels', 'America/New_York', 'Asia/Tokyo', 'UTC');
  const later = fc.integer({ min: 0, max: 5 * 86_400_000 });

  it('a later start never falls due earlier, and the deadline is never later than addMonths of the start or of any later instant', () => {
    fc.assert(
      fc.property(instant, later, fc.integer({ min: 1, max: 12 }), zone, (from, afterMs, months, tz) => {
        const laterStart = new Date(from.getTime() + afterMs);
        const due = monthsDeadline(from, months, tz).getTime();
        expect(due).toBeLessThanOrEqual(monthsDeadline(laterStart, months, tz).getTime());
        expect(due).toBeLessThanOrEqual(addMonths(laterStart, months, tz).getTime());
        // Never more than a day short of addMonths (it moves only to the clamped day's start).
        expect(addMonths(from, months, tz).getTime() - due).toBeLessThan(86_400_000);
      }),
      { numRuns: 2_000 },
    );
  });
});
