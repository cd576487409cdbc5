import { describe, expect, it } from 'vitest';
import { stageReminderExecutionName, stageReminderTime } from '../../functions/domain/report-stage-reminder.js';

describe('report stage reminders: when', () => {
  const opened = '2026-12-07T10:00:00.000Z';
  const after = (hours: number) => new Date(Date.parse(opened) + hours * 3_600_000).toISOString();

  it('reminds a quarter of the window before the deadline: DORA\'s 4-hour initial notification an hour before', () => {
    expect(stageReminderTime(opened, after(4))).toBe(after(3));
    expect(stageReminderTime(opened, after(24))).toBe(after(18));
  });

  it('reminds at most a day before: NIS2\'s 72-hour notification at 54 hours, a month-long final report a day before', () => {
    expect(stageReminderTime(opened, after(72))).toBe(after(54));
    expect(stageReminderTime(opened, after(30 * 24))).toBe(after(29 * 24));
  });

  it('reminds at once a stage opened already past its deadline', () => {
    expect(stageReminderTime(opened, after(-2))).toBe(opened);
  });

  it('names one execution per stage task, within Step Functions\' 80 characters', () => {
    const incidentId = 'f'.repeat(64);
    expect(stageReminderExecutionName(incidentId, 'report-dora-intermediate').length).toBeLessThanOrEqual(80);
    expect(stageReminderExecutionName('inc-1', 'report-dora-initial')).not.toBe(stageReminderExecutionName('inc-1', 'report-dora-final'));
  });
});
