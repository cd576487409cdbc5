import { describe, expect, it } from 'vitest';
import { findingClosedEmail, isMoreSevere, rolesToTellOfSeverity, severitiesBelow, severityRaisedEmail } from '../../functions/domain/finding-update.js';

describe('a finding that arrives again, changed', () => {
  it('raises only: a severity may replace only the less severe ones', () => {
    expect(isMoreSevere('SEV1', 'SEV2')).toBe(true);
    expect(isMoreSevere('SEV2', 'SEV2')).toBe(false);
    expect(isMoreSevere('SEV3', 'SEV1')).toBe(false);
    expect(severitiesBelow('SEV1')).toEqual(['SEV2', 'SEV3', 'SEV4']);
    expect(severitiesBelow('SEV3')).toEqual(['SEV4']);
    expect(severitiesBelow('SEV4')).toEqual([]);
  });

  it('pages leadership for SEV1/SEV2 as the runbooks’ severity gates do, responders and commanders always', () => {
    expect(rolesToTellOfSeverity('SEV1')).toEqual(['responder', 'commander', 'approver']);
    expect(rolesToTellOfSeverity('SEV2')).toEqual(['responder', 'commander', 'approver']);
    expect(rolesToTellOfSeverity('SEV3')).toEqual(['responder', 'commander']);
  });

  it('says what changed in the email, an exercise marked as every email of one is, the title escaped in HTML', () => {
    const incident = { incidentId: 'i-1', title: 'Keys <script>alert(1)</script>', severity: 'SEV2' as const, mode: 'exercise' as const };
    const raised = severityRaisedEmail(incident, { from: 'SEV2', to: 'SEV1', findingId: 'f-1', findingSeverity: '9' });
    expect(raised.subject).toBe('[EXERCISE] [SEV1] Severity raised from SEV2: Keys <script>alert(1)</script>');
    expect(raised.text).toContain('is now SEV1, raised from SEV2: its finding arrived more severe (its source now reports 9)');
    expect(raised.html).not.toContain('<script>');
    const closed = findingClosedEmail({ ...incident, mode: 'live' }, { findingId: 'f-1', status: 'RESOLVED', updatedAt: '2026-11-24T13:00:00.000Z' });
    expect(closed.subject).toBe('[SEV2] Finding resolved in Security Hub: Keys <script>alert(1)</script>');
    expect(closed.text).toContain('irdr incidents resolve i-1');
  });
});
