import { describe, expect, it } from 'vitest';
import { usFederalCalendar } from '../../functions/domain/business-calendars.js';
import type { ClockDefinition, ClockRecord } from '../../functions/domain/clock.js';
import { armOnRaise } from '../../functions/domain/severity-raise.js';
import { becomesUrgent, threadReply } from '../../functions/domain/slack-message.js';

/* What a raised severity starts: the clocks only the new severity applies to, counted as the clock's kind says. */

const team = usFederalCalendar;
const sla: ClockDefinition = {
  title: 'Acknowledge within one hour',
  from: 'openedAt',
  durationSeconds: 3600,
  reminders: [{ at: 0.5, notify: ['commander'] }],
  notify: ['commander'],
  metBy: ['acknowledge'],
  appliesTo: ['SEV1', 'SEV2'],
  kind: 'sla',
};
const incident = { openedAt: '2026-12-07T09:00:00.000Z', awareAt: '2026-12-07T08:00:00.000Z' };
const notApplicable = (definition: ClockDefinition = sla, extra: Partial<ClockRecord> = {}): ClockRecord => ({
  clockId: 'acknowledgement-sla',
  incidentId: 'i-1',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y',
  title: definition.title,
  kind: definition.kind,
  status: 'not-applicable',
  updatedAt: incident.openedAt,
  definition,
  ...extra,
});
const raisedAt = new Date('2026-12-07T11:00:00.000Z');

describe('armOnRaise', () => {
  it('starts a SEV1/SEV2 SLA on a raise to SEV2, counted from the raise (its opening lies before it), reminders ahead', () => {
    const armed = armOnRaise(notApplicable(), 'SEV2', raisedAt, incident, team);
    expect(armed).toMatchObject({ clockId: 'acknowledgement-sla', plan: { armed: true, running: true, anchor: 'reached', anchorAt: raisedAt.toISOString(), deadlineAt: '2026-12-07T12:00:00.000Z' } });
    expect(armed && 'plan' in armed && armed.plan.stages.map((stage) => stage.skip)).toEqual([false, false]);
  });

  it('counts a regulatory clock for some severities from its anchor, as the law does, even when that is past', () => {
    const regulatory = { ...sla, kind: 'regulatory' as const, from: 'awareAt' as const, durationSeconds: 72 * 3600 };
    const armed = armOnRaise(notApplicable(regulatory), 'SEV1', raisedAt, incident, team);
    expect(armed).toMatchObject({ plan: { anchor: 'awareAt', anchorAt: incident.awareAt, deadlineAt: '2026-12-10T08:00:00.000Z' } });
  });

  it('starts nothing for a severity the clock does not apply to, a clock already running or ended, or one with no severity rule', () => {
    expect(armOnRaise(notApplicable(), 'SEV3', raisedAt, incident, team)).toBeUndefined();
    for (const status of ['running', 'met', 'missed', 'stopped'] as const) expect(armOnRaise(notApplicable(sla, { status }), 'SEV1', raisedAt, incident, team)).toBeUndefined();
    const { appliesTo: _appliesTo, ...everySeverity } = sla;
    expect(armOnRaise(notApplicable(everySeverity), 'SEV1', raisedAt, incident, team)).toBeUndefined();
    // Stored before this change: no definition kept, nothing to start it with.
    const { definition: _definition, ...legacy } = notApplicable();
    expect(armOnRaise(legacy, 'SEV1', raisedAt, incident, team)).toBeUndefined();
  });

  it('does not start a clock whose step was done before the raise, and says why', () => {
    expect(armOnRaise(notApplicable(sla, { metBy: 'acknowledge', metAt: '2026-12-07T09:05:00.000Z' }), 'SEV1', raisedAt, incident, team)).toEqual({
      clockId: 'acknowledgement-sla',
      why: 'acknowledge was done at 2026-12-07T09:05:00.000Z, before the raise',
    });
  });
});

describe('the Slack mention of a raise', () => {
  it('mentions the urgent group only when the raise makes the incident urgent', () => {
    const config = { urgentSeverities: ['SEV1', 'SEV2'] as Array<'SEV1' | 'SEV2'> };
    expect(becomesUrgent(config, 'SEV3', 'SEV2')).toBe(true);
    expect(becomesUrgent(config, 'SEV2', 'SEV1')).toBe(false);
    expect(becomesUrgent(config, 'SEV4', 'SEV3')).toBe(false);
  });

  it('puts the configured group mention before the escaped text, never one the text carries', () => {
    expect(threadReply('[SEV1] Severity raised from SEV3: x', 'S0SEC').text).toBe('<!subteam^S0SEC> [SEV1] Severity raised from SEV3: x');
    const hostile = threadReply('<!subteam^S0EVIL> <!channel> raised');
    expect(hostile.text).not.toContain('<!');
  });
});
