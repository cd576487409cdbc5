import { describe, expect, it } from 'vitest';
import { CreateIncidentRequest, MAX_CLOCK_SKEW_MS, incidentTimeProblems, futureTimesOf } from '../../functions/domain/incident.js';

const now = new Date('2026-12-07T03:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe('an incident\'s stated times', () => {
  it('allows the past, and the future up to the clock skew, not a millisecond more', () => {
    expect(incidentTimeProblems({ detectedAt: at(-86_400_000), awareAt: at(0) }, now)).toEqual([]);
    expect(incidentTimeProblems({ detectedAt: at(MAX_CLOCK_SKEW_MS), awareAt: at(MAX_CLOCK_SKEW_MS) }, now)).toEqual([]);
    expect(incidentTimeProblems({ awareAt: at(MAX_CLOCK_SKEW_MS + 1) }, now)).toEqual([{ path: ['awareAt'], message: expect.stringMatching(/is in the future/) }]);
    expect(incidentTimeProblems({ detectedAt: '2999-01-01T00:00:00Z' }, now)).toEqual([{ path: ['detectedAt'], message: expect.stringMatching(/^2999-01-01T00:00:00Z is in the future/) }]);
  });

  it('refuses awareness before detection, comparing instants whatever their offsets', () => {
    expect(incidentTimeProblems({ detectedAt: '2026-11-20T08:00:00Z', awareAt: '2026-11-20T08:00:00Z' }, now)).toEqual([]);
    expect(incidentTimeProblems({ detectedAt: '2026-11-20T08:00:00Z', awareAt: '2026-11-20T09:00:00+01:00' }, now)).toEqual([]);
    expect(incidentTimeProblems({ detectedAt: '2026-11-20T09:00:00+01:00', awareAt: '2026-11-20T07:59:59Z' }, now)).toEqual([{ path: ['awareAt'], message: expect.stringMatching(/before detectedAt/) }]);
  });

  it('is part of the POST /incidents schema, against this system\'s clock', () => {
    const body = { runbookId: 'triage-notify', title: 't', severity: 'SEV3', summary: 's' };
    expect(CreateIncidentRequest.safeParse({ ...body, awareAt: new Date().toISOString() }).success).toBe(true);
    const future = CreateIncidentRequest.safeParse({ ...body, detectedAt: '2999-01-01T00:00:00Z' });
    expect(future.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['detectedAt']);
  });
});

describe('a finding\'s stated times', () => {
  it('names only those in the future, beyond the skew', () => {
    expect(futureTimesOf({ detectedAt: at(-60_000), awareAt: at(MAX_CLOCK_SKEW_MS + 1) }, now)).toEqual(['awareAt']);
    expect(futureTimesOf({ detectedAt: '2999-01-01T00:00:00Z' }, now)).toEqual(['detectedAt']);
    expect(futureTimesOf({ detectedAt: at(MAX_CLOCK_SKEW_MS), awareAt: at(-1) }, now)).toEqual([]);
    expect(futureTimesOf({}, now)).toEqual([]);
  });
});
