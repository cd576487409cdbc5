import { describe, expect, it } from 'vitest';
import { drillRunCsvRow, drillRunsCsv, incidentCsvRow, incidentsCsv } from '../../functions/domain/evidence/csv-rows.js';
import { exportedDrillRun, exportedIncident, storedChain, storedChainOf } from './support/evidence-fixtures.js';

// The definitions' controls today: what older records (nothing stamped) are mapped by.
const mapping = { runbooks: { 'triage-notify': ['SOC2 CC7.3'] }, plans: { 'orders-pitr': ['SOC2 A1.3', 'ISO27001 A.8.13'] } };

describe('incident CSV', () => {
  it('has one row per incident with the fields an auditor filters on', () => {
    expect(incidentCsvRow(exportedIncident(), mapping)).toEqual({
      incidentId: 'inc-1',
      title: 'Leaked key',
      runbookId: 'triage-notify',
      severity: 'SEV2',
      mode: 'live',
      status: 'resolved',
      openedAt: '2026-03-01T10:00:00.000Z',
      acknowledgedAt: '2026-03-01T10:05:00.000Z',
      resolvedAt: '2026-03-01T11:00:00.000Z',
      closedAt: undefined,
      mttaSeconds: 300,
      mttrSeconds: 3600,
      runbookHash: 'a'.repeat(64),
      signOffVerdict: undefined,
      signOffBy: undefined,
      signOffAt: undefined,
      events: 3,
      chainIntact: 'true',
      controls: 'SOC2 CC7.3',
      regulatorySubmissions: undefined,
    });
    const signOff = { verdict: 'exceptions', by: 'arn:aws:iam::1:user/otto', roles: ['auditor'], at: '2026-03-09T00:00:00.000Z', comment: 'late' };
    expect(incidentCsvRow(exportedIncident({ signOff } as never), mapping)).toMatchObject({ signOffVerdict: 'exceptions', signOffBy: 'arn:aws:iam::1:user/otto', signOffAt: '2026-03-09T00:00:00.000Z' });
  });

  it('is RFC 4180: header, CRLF line ends, quoted commas, quotes and line breaks, empty cells for what is not there', () => {
    const csv = incidentsCsv([exportedIncident({ title: 'Key "prod", leaked\nagain', acknowledgedAt: undefined, mttaSeconds: undefined, controls: ['SOC2 CC7.4', 'ISO27001 A.5.26'] })], mapping);
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe('incidentId,title,runbookId,severity,mode,status,openedAt,acknowledgedAt,resolvedAt,closedAt,mttaSeconds,mttrSeconds,runbookHash,signOffVerdict,signOffBy,signOffAt,events,chainIntact,controls,regulatorySubmissions');
    expect(row).toBe(`inc-1,"Key ""prod"", leaked\nagain",triage-notify,SEV2,live,resolved,2026-03-01T10:00:00.000Z,,2026-03-01T11:00:00.000Z,,,3600,${'a'.repeat(64)},,,,3,true,SOC2 CC7.4; ISO27001 A.5.26,`);
    expect(end).toBe('');
  });

  it('keeps a spreadsheet from running a title as a formula', () => {
    const csv = incidentsCsv([exportedIncident({ title: '=HYPERLINK("http://evil.example","x")' })], mapping);
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
  });

  it("lists each report stage's submission with the regulator's reference from the trail, and one recorded without", () => {
    const ada = 'arn:aws:iam::000000000000:user/ada-approver';
    const events = storedChainOf([
      { type: 'incident.opened', at: '2026-03-01T10:00:00.000Z', actor: 'arn:aws:iam::000000000000:user/alice' },
      { type: 'task.completed', at: '2026-03-01T12:00:00.000Z', actor: ada, detail: { taskId: 'report-nis2-early-warning', outcome: 'done', comment: 'filed', reference: 'BSI-2026-0042' } },
      { type: 'task.completed', at: '2026-03-01T13:00:00.000Z', actor: ada, detail: { taskId: 'contain', outcome: 'done', comment: '', reference: 'not a stage' } },
      { type: 'task.completed', at: '2026-03-02T09:00:00.000Z', actor: ada, detail: { taskId: 'report-nis2-notification', outcome: 'done', comment: 'filed by phone' } },
    ]);
    expect(incidentCsvRow(exportedIncident({}, events), mapping).regulatorySubmissions).toBe(
      `report-nis2-early-warning: BSI-2026-0042 (by ${ada}, at 2026-03-01T12:00:00.000Z); report-nis2-notification: no reference recorded (by ${ada}, at 2026-03-02T09:00:00.000Z)`,
    );
  });

  it('says when a chain is broken', () => {
    const events = storedChain(3);
    events.splice(1, 1);
    expect(incidentCsvRow(exportedIncident({}, events), mapping)).toMatchObject({ events: 2, chainIntact: 'false' });
  });
});

describe('drill-run CSV', () => {
  it('has RTO and RPO achieved beside their targets (in seconds), the RPO method and cleanup', () => {
    expect(drillRunCsvRow(exportedDrillRun(), mapping)).toMatchObject({
      status: 'passed',
      rtoAchieved: 'true',
      rtoSeconds: 900,
      rtoTargetSeconds: 3600,
      rpoAchieved: 'true',
      rpoSeconds: 120,
      rpoTargetSeconds: 900,
      rpoMethod: 'canary',
      notAchievedBecause: undefined,
      checksPassed: '1/1',
    });
  });

  it('a run whose validation failed achieved no RTO or RPO: false, no seconds, and why (whatever an older record stored), the failure incident', () => {
    const recoveryPoint = { kind: 'point-in-time', requestedAt: '2026-03-02T01:55:00.000Z' };
    const run = exportedDrillRun({
      status: 'failed',
      failureIncidentId: 'inc-9',
      planHash: 'b'.repeat(64),
      requestedBy: 'arn:aws:iam::1:user/rita',
      sourceTableName: 'orders',
      recoveryPoint: recoveryPoint as never,
      restoreTableName: 'irdr-drill-orders-pitr-run-1',
      restore: { startedAt: '2026-03-02T02:01:00.000Z', completedAt: '2026-03-02T02:16:00.000Z', looks: 5 },
      validation: { startedAt: '2026-03-02T02:16:02.000Z', completedAt: '2026-03-02T02:17:32.000Z', seconds: 90 },
      checks: [{ passed: true }, { passed: false }] as never,
      report: { sentTo: ['a@example.com', 'b@example.com'], messageId: 'm', sentAt: '2026-03-02T02:21:00.000Z' },
    });
    expect(drillRunCsvRow(run, mapping)).toEqual({
      runId: 'run-1',
      planId: 'orders-pitr',
      status: 'failed',
      trigger: 'schedule',
      startedAt: '2026-03-02T02:00:00.000Z',
      endedAt: '2026-03-02T02:20:00.000Z',
      rtoAchieved: 'false',
      rtoSeconds: undefined,
      rtoTargetSeconds: 3600,
      rpoAchieved: 'false',
      rpoSeconds: undefined,
      rpoTargetSeconds: 900,
      rpoMethod: undefined,
      notAchievedBecause: 'the restored data failed validation (1 of 2 checks failed)',
      cleanupStatus: 'DELETED',
      failureIncidentId: 'inc-9',
      planHash: 'b'.repeat(64),
      requestedBy: 'arn:aws:iam::1:user/rita',
      sourceTableName: 'orders',
      recoveryPoint: JSON.stringify(recoveryPoint),
      restoreTableName: 'irdr-drill-orders-pitr-run-1',
      restoreStartedAt: '2026-03-02T02:01:00.000Z',
      restoreCompletedAt: '2026-03-02T02:16:00.000Z',
      // Validation time beside the restore's: both are in RTO, each its own figure.
      restoreSeconds: 900,
      validationStartedAt: '2026-03-02T02:16:02.000Z',
      validationCompletedAt: '2026-03-02T02:17:32.000Z',
      validationSeconds: 90,
      checksPassed: '1/2',
      reportSentTo: 'a@example.com b@example.com',
      reportSentAt: '2026-03-02T02:21:00.000Z',
      signOffVerdict: undefined,
      signOffBy: undefined,
      signOffAt: undefined,
      events: 2,
      chainIntact: 'true',
      controls: 'SOC2 A1.3; ISO27001 A.8.13',
    });
  });

  it('leaves cells empty for a run that measured nothing', () => {
    const csv = drillRunsCsv([exportedDrillRun({ status: 'running', endedAt: undefined, checks: undefined, rtoSeconds: undefined, rpo: undefined, cleanup: undefined, targets: undefined, controls: [] })], mapping);
    expect(csv.split('\r\n')[1]).toBe(`run-1,orders-pitr,running,schedule,2026-03-02T02:00:00.000Z${','.repeat(29)}2,true,`);
  });
});
