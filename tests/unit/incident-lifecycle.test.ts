import { describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/domain/incident.js';
import {
  actionsAllowedFrom,
  countsInResponseStatistics,
  elapsedSeconds,
  lifecycleTransitions,
  milestonesOf,
  mttaSeconds,
  mttrSeconds,
  transitionChanges,
  transitionConflictMessage,
} from '../../functions/domain/incident-lifecycle.js';

const incident: Incident = {
  incidentId: 'i-1',
  runbookId: 'triage-notify',
  runbookVersion: 1,
  runbookHash: 'a'.repeat(64),
  title: 't',
  severity: 'SEV1',
  summary: 's',
  mode: 'live',
  openedAt: '2026-11-01T10:00:00.000Z',
  openedBy: 'arn:aws:iam::000000000000:user/rita',
  status: 'open',
  runbookStatus: 'running',
  updatedAt: '2026-11-01T10:00:00.000Z',
};

describe('lifecycle transitions', () => {
  it('goes open → acknowledged → resolved → closed, and open → resolved', () => {
    expect(actionsAllowedFrom('open')).toEqual(['acknowledge', 'resolve']);
    expect(actionsAllowedFrom('acknowledged')).toEqual(['resolve']);
    expect(actionsAllowedFrom('resolved')).toEqual(['close']);
    expect(actionsAllowedFrom('closed')).toEqual([]);
    expect(Object.values(lifecycleTransitions).map((transition) => transition.to)).toEqual(['acknowledged', 'resolved', 'closed']);
  });

  it('explains a refused transition by the current status and what may follow', () => {
    expect(transitionConflictMessage('i-1', 'close', 'acknowledged')).toBe(
      'cannot close incident i-1: it is acknowledged; from "acknowledged" it can only be resolved (POST /incidents/i-1/resolve)',
    );
    expect(transitionConflictMessage('i-1', 'acknowledge', 'closed')).toBe('cannot acknowledge incident i-1: it is closed; "closed" is final, nothing follows it');
  });
});

describe('MTTA and MTTR', () => {
  it('count whole seconds from opening', () => {
    expect(mttaSeconds(incident, '2026-11-01T10:12:30.000Z')).toBe(750);
    expect(mttrSeconds(incident, '2026-11-02T10:00:00.000Z')).toBe(86_400);
    expect(elapsedSeconds('2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.499Z')).toBe(0);
    expect(elapsedSeconds('2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.500Z')).toBe(1);
  });

  it('are never negative when writers\' clocks disagree', () => {
    expect(elapsedSeconds('2026-11-01T10:00:05.000Z', '2026-11-01T10:00:00.000Z')).toBe(0);
  });

  it('are set by the transition that completes them, with its milestone and actor', () => {
    const at = '2026-11-01T10:30:00.000Z';
    expect(transitionChanges('acknowledge', incident, at, 'carl')).toEqual({ acknowledgedAt: at, acknowledgedBy: 'carl', mttaSeconds: 1800 });
    expect(transitionChanges('resolve', incident, at, 'carl', { summary: 'patched' })).toEqual({
      resolvedAt: at,
      resolvedBy: 'carl',
      mttrSeconds: 1800,
      resolutionSummary: 'patched',
    });
    expect(transitionChanges('resolve', incident, at, 'carl')).not.toHaveProperty('resolutionSummary');
    expect(transitionChanges('close', incident, at, 'carl')).toEqual({ closedAt: at, closedBy: 'carl' });
  });
});

describe('milestones and statistics', () => {
  it('lists the milestones reached, in lifecycle order', () => {
    expect(milestonesOf({ ...incident, awareAt: '2026-11-01T09:00:00Z', acknowledgedAt: '2026-11-01T10:05:00.000Z' })).toEqual({
      awareAt: '2026-11-01T09:00:00Z',
      openedAt: incident.openedAt,
      acknowledgedAt: '2026-11-01T10:05:00.000Z',
    });
  });

  it('leaves exercises out of response statistics', () => {
    expect(countsInResponseStatistics(incident)).toBe(true);
    expect(countsInResponseStatistics({ mode: 'exercise' })).toBe(false);
  });
});
