import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { ClassifyRequest, reclassify, type ClassifyOutcome } from '../../functions/domain/classification.js';
import { RegulatoryConfig } from '../../functions/domain/regulatory-config.js';
import { regulatoryCatalog } from '../../functions/domain/regulatory-stages.js';
import type { RoleName } from '../../functions/domain/config-schema.js';

/* The classify operation's rules: who may, what changes, which report stages start and when they are due. */

const catalog = regulatoryCatalog(RegulatoryConfig.parse({}));
const calendars = BusinessCalendarsConfig.parse({});
const commander = { principal: 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl', roles: ['commander'] as RoleName[] };
const responder = { principal: 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/rita', roles: ['responder'] as RoleName[] };
const aware = '2026-11-10T08:00:00.000Z';
const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const now = new Date(plus(aware, 30)); // day two
const sev3 = { incidentId: 'inc-1', severity: 'SEV3' as const, openedAt: plus(aware, 1), awareAt: aware, status: 'acknowledged' as const, labels: { team: 'payments' } };

const classify = (body: unknown, incident: Parameters<typeof reclassify>[0] = sev3, caller = commander, at = now): ClassifyOutcome =>
  reclassify(incident, ClassifyRequest.parse(body), caller, at, catalog, calendars);
const accepted = (outcome: ClassifyOutcome) => {
  if (!outcome.ok) throw new Error(`refused: ${outcome.status} ${outcome.message}`);
  return outcome.reclassification;
};
const refused = (outcome: ClassifyOutcome) => {
  if (outcome.ok) throw new Error('accepted');
  return outcome;
};

describe('reclassifying a SEV3 as a personal-data breach and a major ICT incident on day two', () => {
  const result = accepted(classify({ add: ['personal-data', 'major-ict'], severity: 'SEV1', reason: 'Customer records exfiltrated from the payments DB' }));

  it('sets the labels the runbooks read, and raises the severity', () => {
    expect(result.after).toEqual({ severity: 'SEV1', labels: { team: 'payments', gdpr: 'personal-data', dora: 'major' }, classifiedAs: ['personal-data', 'major-ict'] });
    expect(result.severityChange).toEqual({ from: 'SEV3', to: 'SEV1', direction: 'raised' });
  });

  it('starts GDPR from awareness, DORA from the classification time (initial capped by 24 h from awareness)', () => {
    const [gdpr, dora] = result.started;
    expect(gdpr!.regulation).toBe('gdpr');
    expect(gdpr!.stages[0]).toMatchObject({ stageId: 'authority-notification', dueAt: plus(aware, 72), overdue: false, lateNeedsReasons: true });
    expect(dora!.stages.map((stage) => [stage.stageId, stage.dueAt, stage.overdue])).toEqual([
      // Classified 30 h after awareness: the 24 h term has already passed, so the initial notification is overdue.
      ['initial', plus(aware, 24), true],
      ['intermediate', plus(now.toISOString(), 72), false],
      ['final', '2026-12-11T14:00:00.000Z', false],
    ]);
    expect(dora!.stages[0]!.terms.map((term) => term.at)).toEqual([plus(now.toISOString(), 4), plus(aware, 24)]);
  });

  it('records who, why and every stage deadline in one trail event', () => {
    expect(result.event).toMatchObject({
      type: 'incident.classified',
      at: now.toISOString(),
      actor: commander.principal,
      detail: { from: { severity: 'SEV3', classifiedAs: [] }, to: { severity: 'SEV1', classifiedAs: ['personal-data', 'major-ict'] }, reason: 'Customer records exfiltrated from the payments DB', awareAt: aware },
    });
    expect((result.event.detail!['reports'] as unknown[]).length).toBe(2);
  });

  it('counts from classification within the first day: the 4 hours govern', () => {
    const early = accepted(classify({ add: ['major-ict'], reason: 'core banking down' }, sev3, commander, new Date(plus(aware, 2))));
    expect(early.started[0]!.stages[0]).toMatchObject({ dueAt: plus(aware, 6), overdue: false, governedBy: { from: 'classification' } });
  });
});

describe('who may classify', () => {
  it('only a commander', () => {
    const outcome = refused(classify({ add: ['personal-data'], reason: 'r' }, sev3, responder));
    expect(outcome.status).toBe(403);
    expect(outcome.message).toContain('commander');
    expect(refused(classify({ add: ['personal-data'], reason: 'r' }, sev3, { principal: 'arn:aws:iam::999999999999:user/mallory', roles: [] })).status).toBe(403);
    // An approver or auditor is not a commander either.
    expect(refused(classify({ severity: 'SEV1' }, sev3, { principal: commander.principal, roles: ['approver', 'auditor'] })).status).toBe(403);
  });
});

describe('lowering and removing', () => {
  const breach = { ...sev3, severity: 'SEV1' as const, labels: { gdpr: 'personal-data', dora: 'major' } };

  it('lowering a severity needs a reason, and stops nothing', () => {
    const outcome = refused(classify({ severity: 'SEV3' }, breach));
    expect(outcome).toMatchObject({ status: 400, field: 'reason' });
    expect(outcome.message).toContain('SEV1 to SEV3');
    const lowered = accepted(classify({ severity: 'SEV3', reason: 'contained to test data' }, breach));
    expect(lowered).toMatchObject({ severityChange: { direction: 'lowered' }, started: [], keptRunning: [] });
    expect(lowered.after.classifiedAs).toEqual(['personal-data', 'major-ict']);
  });

  it('raising needs no reason', () => {
    expect(accepted(classify({ severity: 'SEV2' })).severityChange).toEqual({ from: 'SEV3', to: 'SEV2', direction: 'raised' });
  });

  it('removing a label needs a reason, and keeps its report running', () => {
    expect(refused(classify({ remove: ['major-ict'] }, breach))).toMatchObject({ status: 400, field: 'reason' });
    const declassified = accepted(classify({ remove: ['major-ict'], reason: 'below the DORA thresholds after all' }, breach));
    expect(declassified.after.labels).toEqual({ gdpr: 'personal-data' });
    expect(declassified.keptRunning).toEqual(['dora']);
    expect(declassified.event.detail).toMatchObject({ removed: ['major-ict'], keptRunning: ['dora'] });
  });

  it('adding a label needs a reason (the grounds the regulator will ask for)', () => {
    expect(refused(classify({ add: ['significant'] }))).toMatchObject({ status: 400, field: 'reason' });
  });
});

describe('refusals say what to change, and nothing is decided', () => {
  it('a label already carried (set at opening too), or not carried, or both added and removed', () => {
    const openedAsMajor = { ...sev3, labels: { dora: 'major' } };
    const again = refused(classify({ add: ['major-ict'], reason: 'r' }, openedAsMajor));
    expect(again).toMatchObject({ status: 409, field: 'add' });
    expect(again.message).toContain('labels.dora = major');
    expect(refused(classify({ remove: ['personal-data'], reason: 'r' }))).toMatchObject({ status: 409, field: 'remove' });
    expect(refused(classify({ add: ['material'], remove: ['material'], reason: 'r' }))).toMatchObject({ status: 400, field: 'add' });
    // A label whose value is not the classification's is not the classification: dora=minor can become major.
    expect(accepted(classify({ add: ['major-ict'], reason: 'r' }, { ...sev3, labels: { dora: 'minor' } })).after.labels).toEqual({ dora: 'major' });
  });

  it('nothing to change', () => {
    const outcome = refused(classify({ severity: 'SEV3' }));
    expect(outcome.status).toBe(400);
    expect(outcome.message).toContain('nothing to change');
    expect(refused(classify({}))).toMatchObject({ status: 400 });
  });

  it('a closed incident', () => {
    expect(refused(classify({ severity: 'SEV1' }, { ...sev3, status: 'closed' })).status).toBe(409);
  });

  it('more labels than an incident may carry', () => {
    const full = { ...sev3, labels: Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, 'v'])) };
    expect(refused(classify({ add: ['material'], reason: 'r' }, full))).toMatchObject({ status: 400, field: 'add' });
  });

  it('a body the schema does not accept', () => {
    for (const body of [
      { add: ['major'] },
      { add: ['personal-data', 'personal-data'], reason: 'r' },
      { severity: 'SEV0' },
      { labels: { dora: 'major' } },
      { add: ['material'], reason: 'ok\u0000' },
      { add: ['material'], reason: '   ' },
      { add: ['material'], reason: 'r', determinedAt: 'yesterday' },
      { add: 'material' },
    ]) {
      expect(ClassifyRequest.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});

describe('SEC materiality', () => {
  const registrant = { ...sev3, openedAt: '2026-11-20T14:00:00.000Z', awareAt: '2026-11-20T14:00:00.000Z' };
  const at = new Date('2026-11-24T21:00:00.000Z'); // Tuesday 16:00 New York

  it('4 business days from the classification as material, Thanksgiving skipped', () => {
    expect(accepted(classify({ add: ['material'], reason: 'material to investors' }, registrant, commander, at)).started[0]!.stages[0]!.dueAt).toBe('2026-12-01T21:00:00.000Z');
  });

  it('or from a determination recorded earlier, never one in the future or before the incident was known', () => {
    const earlier = accepted(classify({ add: ['material'], reason: 'board decided', determinedAt: '2026-11-23T21:00:00.000Z' }, registrant, commander, at));
    expect(earlier.started[0]!.stages[0]!.dueAt).toBe('2026-11-30T21:00:00.000Z');
    expect(refused(classify({ add: ['material'], reason: 'r', determinedAt: '2026-11-25T21:00:00.000Z' }, registrant, commander, at))).toMatchObject({ status: 400, field: 'determinedAt' });
    expect(refused(classify({ add: ['material'], reason: 'r', determinedAt: '2026-11-01T00:00:00.000Z' }, registrant, commander, at))).toMatchObject({ status: 400, field: 'determinedAt' });
    expect(refused(classify({ add: ['personal-data'], reason: 'r', determinedAt: '2026-11-23T21:00:00.000Z' }, registrant, commander, at))).toMatchObject({ status: 400, field: 'determinedAt' });
  });
});
