import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { OnCallSchedule } from '../../functions/domain/on-call/schedule-schema.js';
import { whoIsOnCall } from '../../functions/domain/on-call/who-is-on-call.js';
import { instantAtLocal, localDateAt } from '../../functions/domain/on-call/zoned-time.js';
import rawConfig from '../../config/irdr.config.json' with { type: 'json' };

const people = ['a@example.com', 'b@example.com', 'c@example.com'];
const HOUR = 3_600_000;
const schedule = (input: unknown): OnCallSchedule => OnCallSchedule.parse(input);
const daily = (zone: string, at = '09:00', start = '2025-12-01') => ({ name: 'primary', rotation: people, handoff: { every: 'day', at, timeZone: zone }, start });
const wallTime = (zone: string, instant: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
// Instants over 2026 and 2027: both DST changes of each zone, several times.
const anyInstant = fc.integer({ min: Date.parse('2026-01-02T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }).map((ms) => new Date(ms));
const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago'];

describe('who is on call: a rotation', () => {
  it('hands off exactly at the handoff instant: the incoming person from that millisecond, the outgoing one just before', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...zones), (at, zone) => {
        const rotation = schedule({ layers: [daily(zone)] });
        const now = whoIsOnCall(rotation, at)!;
        expect(now.since.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(now.until!.getTime()).toBeGreaterThan(at.getTime());
        const next = whoIsOnCall(rotation, now.until!)!;
        expect(next.email).toBe(people[(people.indexOf(now.email) + 1) % people.length]);
        expect(next.since).toEqual(now.until);
        expect(whoIsOnCall(rotation, new Date(now.until!.getTime() - 1))!.email).toBe(now.email);
        expect(whoIsOnCall(rotation, new Date(now.since.getTime() - 1))!.email).toBe(people[(people.indexOf(now.email) + 2) % people.length]);
      }),
      { numRuns: 400 },
    );
  });

  it('hands off at the configured wall time every day, DST or not: a shift lasts 23, 24 or 25 hours (Lord Howe: 23.5/24.5)', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...zones), fc.constantFrom('00:00', '09:00', '17:45'), (at, zone, handoff) => {
        const shift = whoIsOnCall(schedule({ layers: [daily(zone, handoff)] }), at)!;
        // Santiago springs forward at 00:00: that day's 00:00 does not exist and the handoff is at 01:00.
        const skipped = wallTime(zone, shift.since) !== handoff;
        if (skipped) expect(zone === 'America/Santiago' && handoff === '00:00').toBe(true);
        else expect(wallTime(zone, shift.since)).toBe(handoff);
        const hours = (shift.until!.getTime() - shift.since.getTime()) / HOUR;
        expect([22, 23, 23.5, 24, 24.5, 25, 26]).toContain(hours);
        if (zone === 'Asia/Kolkata') expect(hours).toBe(24);
      }),
      { numRuns: 400 },
    );
  });

  it('crosses the European spring-forward and fall-back nights at 02:30 (skipped, then shown twice) without losing or repeating a person', () => {
    const zone = 'Europe/Berlin';
    const rotation = schedule({ layers: [daily(zone, '02:30', '2026-03-28')] });
    // 2026-03-29 02:30 does not exist in Berlin: the handoff is at 03:30 CEST (01:30Z), after the gap.
    expect(whoIsOnCall(rotation, new Date('2026-03-29T01:29:59.999Z'))!.email).toBe('a@example.com');
    expect(whoIsOnCall(rotation, new Date('2026-03-29T01:30:00Z'))).toMatchObject({ email: 'b@example.com', since: new Date('2026-03-29T01:30:00Z'), until: new Date('2026-03-30T00:30:00Z') });
    // 2026-10-25 02:30 is shown twice: the handoff is at its first showing (CEST, 00:30Z).
    const autumn = whoIsOnCall(rotation, new Date('2026-10-25T00:30:00Z'))!;
    expect(autumn.since).toEqual(new Date('2026-10-25T00:30:00Z'));
    expect(autumn.until).toEqual(new Date('2026-10-26T01:30:00Z'));
    expect(whoIsOnCall(rotation, new Date('2026-10-25T01:30:00Z'))!.email).toBe(autumn.email);
  });

  it('weekly: on the start date\'s weekday, the same wall time, a week (167-169 h) each', () => {
    const weekly = schedule({ layers: [{ ...daily('America/New_York'), handoff: { every: 'week', at: '10:00', timeZone: 'America/New_York' }, start: '2025-12-01' }] });
    fc.assert(
      fc.property(anyInstant, (at) => {
        const shift = whoIsOnCall(weekly, at)!;
        expect(wallTime('America/New_York', shift.since)).toBe('10:00');
        expect(new Date(shift.since.getTime() - 5 * HOUR).getUTCDay()).toBe(1);
        expect([167, 168, 169]).toContain((shift.until!.getTime() - shift.since.getTime()) / HOUR);
      }),
    );
  });

  it('has nobody before its first handoff or from its end', () => {
    const rotation = schedule({ layers: [{ ...daily('UTC', '09:00', '2026-06-01'), end: '2026-06-05' }] });
    expect(whoIsOnCall(rotation, new Date('2026-06-01T08:59:59Z'))).toBeUndefined();
    expect(whoIsOnCall(rotation, new Date('2026-06-01T09:00:00Z'))!.email).toBe('a@example.com');
    expect(whoIsOnCall(rotation, new Date('2026-06-05T08:59:59Z'))).toMatchObject({ email: 'a@example.com', source: { shift: 3 }, until: new Date('2026-06-05T09:00:00Z') });
    expect(whoIsOnCall(rotation, new Date('2026-06-05T09:00:00Z'))).toBeUndefined();
  });
});

describe('who is on call: layers and overrides', () => {
  const base = daily('Europe/Berlin');
  const holidays = { name: 'holidays', rotation: ['c@example.com'], handoff: { every: 'week', at: '09:00', timeZone: 'Europe/Berlin' }, start: '2026-12-21', end: '2027-01-04' };
  const withHolidayLayer = schedule({ layers: [base, holidays], overrides: [{ person: 'b@example.com', from: '2026-12-24T18:00:00+01:00', to: '2026-12-26T09:00:00+01:00', reason: 'swap' }] });

  it('the highest layer with someone on call wins; below it, the layer under it again', () => {
    fc.assert(
      fc.property(anyInstant, (at) => {
        const assignment = whoIsOnCall(withHolidayLayer, at)!;
        const inOverride = at >= new Date('2026-12-24T17:00:00Z') && at < new Date('2026-12-26T08:00:00Z');
        const inHolidays = at >= new Date('2026-12-21T08:00:00Z') && at < new Date('2027-01-04T08:00:00Z');
        if (inOverride) expect(assignment).toMatchObject({ email: 'b@example.com', source: { kind: 'override', override: 0, reason: 'swap' } });
        else if (inHolidays) expect(assignment).toMatchObject({ email: 'c@example.com', source: { kind: 'layer', layer: 'holidays' } });
        else expect(assignment.source).toMatchObject({ kind: 'layer', layer: 'primary' });
      }),
      { numRuns: 300 },
    );
  });

  it('holds its answer from the instant asked until just before `until`, and changes at `until` (property)', () => {
    fc.assert(
      fc.property(anyInstant, (at) => {
        const now = whoIsOnCall(withHolidayLayer, at)!;
        const last = whoIsOnCall(withHolidayLayer, new Date(now.until!.getTime() - 1))!;
        expect([last.email, last.source]).toEqual([now.email, now.source]);
        const next = whoIsOnCall(withHolidayLayer, now.until!)!;
        expect(next.source).not.toEqual(now.source);
      }),
      { numRuns: 300 },
    );
  });

  it('says until when, counting the override and the higher layer that will take over', () => {
    expect(whoIsOnCall(withHolidayLayer, new Date('2026-12-20T12:00:00Z'))!.until).toEqual(new Date('2026-12-21T08:00:00Z'));
    expect(whoIsOnCall(withHolidayLayer, new Date('2026-12-24T12:00:00Z'))!.until).toEqual(new Date('2026-12-24T17:00:00Z'));
    expect(whoIsOnCall(withHolidayLayer, new Date('2026-12-24T17:00:00Z'))!.until).toEqual(new Date('2026-12-26T08:00:00Z'));
    expect(whoIsOnCall(withHolidayLayer, new Date('2026-12-26T08:00:00Z'))).toMatchObject({ email: 'c@example.com', until: new Date('2026-12-28T08:00:00Z') });
  });

  it('refuses overlapping overrides at validation, and only overlapping ones (touching is fine)', () => {
    const interval = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 50 })).map(([start, length]) => [start, start + length] as const);
    const iso = (hours: number) => new Date(Date.UTC(2026, 11, 1) + hours * HOUR).toISOString();
    fc.assert(
      fc.property(interval, interval, ([a1, a2], [b1, b2]) => {
        const parsed = OnCallSchedule.safeParse({
          layers: [base],
          overrides: [
            { person: 'a@example.com', from: iso(a1), to: iso(a2) },
            { person: 'b@example.com', from: iso(b1), to: iso(b2) },
          ],
        });
        const overlap = a1 < b2 && b1 < a2;
        expect(parsed.success).toBe(!overlap);
        if (!parsed.success) expect(parsed.error.issues[0]!.message).toMatch(/^overlaps override 0 \(a@example.com, .*\): shorten one/);
      }),
    );
  });
});

describe('a schedule in config', () => {
  const configWith = (onCall: unknown) => ({
    ...rawConfig,
    roles: { ...rawConfig.roles, responder: { ...rawConfig.roles.responder, people: [{ name: 'Rita', email: 'rita@example.com' }, { name: 'Sam', email: 'sam@example.com' }], onCall } },
  });
  const problems = (onCall: unknown) => {
    const parsed = IrdrConfig.safeParse(configWith(onCall));
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };
  const layer = { name: 'primary', rotation: ['rita@example.com', 'sam@example.com'], handoff: { every: 'week', at: '09:00', timeZone: 'Europe/Berlin' }, start: '2026-11-30' };

  it('is read with the rest of the configuration', () => {
    expect(problems({ layers: [layer] })).toEqual([]);
    expect(IrdrConfig.parse(configWith({ layers: [layer] })).evidence.separationOfDuties).toBe(true);
  });

  it('is refused at load with what to change: unknown zone, empty rotation, an end before the start, an unknown person, a bad time', () => {
    expect(problems({ layers: [{ ...layer, handoff: { ...layer.handoff, timeZone: 'Europe/Berlim' } }] })).toEqual([
      'roles.responder.onCall.layers.0.handoff.timeZone: unknown time zone "Europe/Berlim": use an IANA name such as Europe/Berlin or America/New_York',
    ]);
    expect(problems({ layers: [{ ...layer, rotation: [] }] })).toEqual([
      "roles.responder.onCall.layers.0.rotation: a rotation needs at least one person: add the email of one of the role's people",
    ]);
    expect(problems({ layers: [layer], overrides: [{ person: 'sam@example.com', from: '2026-12-24T09:00:00+01:00', to: '2026-12-23T09:00:00+01:00' }] })).toEqual([
      'roles.responder.onCall.overrides.0.to: the override ends before it starts: make to later than from',
    ]);
    expect(problems({ layers: [{ ...layer, end: '2026-11-01' }] })).toEqual(['roles.responder.onCall.layers.0.end: the layer ends before it starts: make end later than start']);
    expect(problems({ layers: [{ ...layer, rotation: ['rita@example.com', 'mallory@example.com'] }], overrides: [{ person: 'carl@example.com', from: '2026-12-24T09:00:00Z', to: '2026-12-25T09:00:00Z' }] })).toEqual([
      "roles.responder.onCall.layers.0.rotation.1: mallory@example.com is not one of this role's people: add them to people, or name someone who is",
      // Carl is a commander, not a responder: his link would not let him act as one.
      "roles.responder.onCall.overrides.0.person: carl@example.com is not one of this role's people: add them to people, or name someone who is",
    ]);
    expect(problems({ layers: [{ ...layer, handoff: { ...layer.handoff, at: '24:00' } }] })).toEqual(['roles.responder.onCall.layers.0.handoff.at: a time of day as HH:MM on a 24-hour clock, e.g. 09:00']);
    expect(problems({ layers: [layer, layer] })).toEqual(['roles.responder.onCall.layers.1.name: two layers are named "primary": give each its own name']);
  });
});

describe('zoned time', () => {
  it('round-trips a wall time that exists on that day', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...zones), fc.integer({ min: 0, max: 1439 }), (at, zone, minutes) => {
        const date = localDateAt(zone, at.getTime());
        const instant = new Date(instantAtLocal(zone, date, minutes));
        const expected = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        // Skipped wall times (spring forward) land later on the same night; every other one is shown exactly.
        if (wallTime(zone, instant) !== expected) expect(instantAtLocal(zone, date, minutes + 60) - instant.getTime()).toBeLessThanOrEqual(HOUR);
        else expect(localDateAt(zone, instant.getTime())).toEqual(date);
      }),
      { numRuns: 500 },
    );
  });
});

describe('loading the config', () => {
  it('stops with one line naming the field and what to change', async () => {
    const { loadConfig } = await import('../../functions/config.js');
    const responder = { ...rawConfig.roles.responder, onCall: { layers: [{ name: 'primary', rotation: ['rita@example.com'], handoff: { every: 'day', at: '09:00', timeZone: 'Berlin' }, start: '2026-12-01' }] } };
    expect(() => loadConfig({ ...rawConfig, roles: { ...rawConfig.roles, responder } })).toThrow(
      new Error('config/irdr.config.json: roles.responder.onCall.layers.0.handoff.timeZone: unknown time zone "Berlin": use an IANA name such as Europe/Berlin or America/New_York'),
    );
  });
});

describe('a malformed schedule', () => {
  it('gets one message per mistake, none spurious', () => {
    const parsed = OnCallSchedule.safeParse({
      layers: [{ name: 'p', rotation: ['a@example.com'], handoff: { every: 'month', at: '9:00', timeZone: 'UTC' }, start: '2026-13-01', end: '2026-01-01' }],
      overrides: [{ person: 'a@example.com', from: '2026-12-01', to: 'soon' }],
    });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'layers.0.handoff.every: handoff.every is "day" or "week"',
      'layers.0.handoff.at: a time of day as HH:MM on a 24-hour clock, e.g. 09:00',
      'layers.0.start: a date as YYYY-MM-DD',
      'overrides.0.from: an ISO date and time with its offset, e.g. 2026-12-24T09:00:00+01:00',
      'overrides.0.to: an ISO date and time with its offset, e.g. 2026-12-24T09:00:00+01:00',
    ]);
  });
});
