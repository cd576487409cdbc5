import { describe, expect, it } from 'vitest';
import { usFederalCalendar } from '../../functions/domain/business-calendars.js';
import { afterStage, clockAnchor, planClock, type ClockDefinition } from '../../functions/domain/clock.js';

const gdpr: ClockDefinition = {
  title: 'GDPR Art. 33',
  from: 'awareAt',
  durationSeconds: 72 * 3600,
  reminders: [
    { at: 0.5, notify: ['approver'] },
    { at: 0.9, notify: ['approver', 'commander'] },
  ],
  notify: ['approver'],
  metBy: ['notify-authority'],
  kind: 'regulatory',
};
const hours = (n: number) => n * 3_600_000;

describe('clock plans', () => {
  const now = new Date('2026-11-10T12:00:00Z');

  it('counts from awareAt, falling back to detectedAt and openedAt; `reached` counts from now', () => {
    const incident = { detectedAt: '2026-11-10T08:00:00Z', openedAt: '2026-11-10T09:00:00Z' };
    expect(clockAnchor('awareAt', incident, now)).toEqual({ anchor: 'detectedAt', at: new Date('2026-11-10T08:00:00Z') });
    expect(clockAnchor('awareAt', { ...incident, awareAt: '2026-11-10T07:00:00Z' }, now).anchor).toBe('awareAt');
    expect(clockAnchor('openedAt', { ...incident, awareAt: '2026-11-10T07:00:00Z' }, now).anchor).toBe('openedAt');
    expect(clockAnchor('reached', incident, now)).toEqual({ anchor: 'reached', at: now });
  });

  it('plans each reminder at its fraction and waits until the first', () => {
    const plan = planClock('gdpr', gdpr, { anchor: 'awareAt', at: now }, now, true, usFederalCalendar);
    expect(plan.deadlineAt).toBe(new Date(now.getTime() + hours(72)).toISOString());
    expect(plan.stages.map((stage) => [stage.kind, stage.at, stage.skip])).toEqual([
      ['reminder', new Date(now.getTime() + hours(36)).toISOString(), false],
      ['reminder', new Date(now.getTime() + hours(64.8)).toISOString(), false],
      ['deadline', plan.deadlineAt, false],
    ]);
    expect(plan.nextWaitSeconds).toBe(36 * 3600);
    expect(plan).toMatchObject({ armed: true, running: true });
  });

  it('skips reminders already due when the anchor lies in the past', () => {
    const plan = planClock('gdpr', gdpr, { anchor: 'awareAt', at: new Date(now.getTime() - hours(40)) }, now, true, usFederalCalendar);
    expect(plan.stages.map((stage) => stage.skip)).toEqual([true, false, false]);
    expect(plan.nextWaitSeconds).toBe(0);
    expect(afterStage(plan, 0, now, true).nextWaitSeconds).toBe(24.8 * 3600);
  });

  it('waits the planned interval, shortened by how late this wake-up was', () => {
    const plan = planClock('gdpr', gdpr, { anchor: 'awareAt', at: now }, now, true, usFederalCalendar);
    // On time (or, under a local time scale, "early" in wall-clock terms): the planned interval exactly.
    expect(afterStage(plan, 0, now, true).nextWaitSeconds).toBe(28.8 * 3600);
    // Woken 90 seconds late: the next stage still lands on its planned instant.
    const late = new Date(now.getTime() + hours(36) + 90_000);
    expect(afterStage(plan, 0, late, true).nextWaitSeconds).toBe(28.8 * 3600 - 90);
    // After the last stage there is nothing left to wait for.
    expect(afterStage(plan, 2, late, false)).toMatchObject({ running: false, nextWaitSeconds: 0 });
  });

  it('counts business days for an SEC-style clock on its calendar, holidays skipped', () => {
    const thursday = new Date('2026-11-05T15:00:00Z');
    const sec = { ...gdpr, durationSeconds: undefined, businessDays: 4, reminders: [] };
    // Fri, Mon, Tue, then Wednesday 11 November is Veterans Day (US federal): Thursday 12th. UTC weekends alone said the 11th.
    expect(planClock('sec', sec, { anchor: 'reached', at: thursday }, thursday, true, usFederalCalendar).deadlineAt).toBe('2026-11-12T15:00:00.000Z');
    // Ireland has no holiday that week.
    expect(planClock('sec', sec, { anchor: 'reached', at: thursday }, thursday, true, { holidays: 'IE', timeZone: 'Europe/Dublin' }).deadlineAt).toBe('2026-11-11T15:00:00.000Z');
  });
});
