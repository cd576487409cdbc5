import { describe, expect, it } from 'vitest';
import { drillRunCsvRow, drillRunsCsv, incidentCsvRow, incidentsCsv } from '../../functions/domain/evidence/csv-rows.js';
import { exportedDrillRun, exportedIncident, storedChain } from './support/evidence-fixtures.js';

describe('incident CSV', () => {
  it('has one row per incident with the fields an auditor filters on', () => {
    expect(incidentCsvRow(exportedIncident())).toEqual({
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
      events: 3,
      chainIntact: 'true',
    });
  });

  it('is RFC 4180: header, CRLF line ends, quoted commas, quotes and line breaks, empty cells for what is not there', () => {
    const csv = incidentsCsv([exportedIncident({ title: 'Key "prod", leaked\nagain', acknowledgedAt: undefined, mttaSeconds: undefined })]);
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe('incidentId,title,runbookId,severity,mode,status,openedAt,acknowledgedAt,resolvedAt,closedAt,mttaSeconds,mttrSeconds,events,chainIntact');
    expect(row).toBe('inc-1,"Key ""prod"", leaked\nagain",triage-notify,SEV2,live,resolved,2026-03-01T10:00:00.000Z,,2026-03-01T11:00:00.000Z,,,3600,3,true');
    expect(end).toBe('');
  });

  it('keeps a spreadsheet from running a title as a formula', () => {
    const csv = incidentsCsv([exportedIncident({ title: '=HYPERLINK("http://evil.example","x")' })]);
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
  });

  it('says when a chain is broken', () => {
    const events = storedChain(3);
    events.splice(1, 1);
    expect(incidentCsvRow(exportedIncident({}, events))).toMatchObject({ events: 2, chainIntact: 'false' });
  });
});

describe('drill-run CSV', () => {
  it('has RTO and RPO achieved beside their targets (in seconds), the RPO method, cleanup and the failure incident', () => {
    expect(drillRunCsvRow(exportedDrillRun({ status: 'failed', failureIncidentId: 'inc-9' }))).toEqual({
      runId: 'run-1',
      planId: 'orders-pitr',
      status: 'failed',
      trigger: 'schedule',
      startedAt: '2026-03-02T02:00:00.000Z',
      endedAt: '2026-03-02T02:20:00.000Z',
      rtoSeconds: 900,
      rtoTargetSeconds: 3600,
      rpoSeconds: 120,
      rpoTargetSeconds: 900,
      rpoMethod: 'canary',
      cleanupStatus: 'DELETED',
      failureIncidentId: 'inc-9',
      events: 2,
      chainIntact: 'true',
    });
  });

  it('leaves cells empty for a run that measured nothing', () => {
    const csv = drillRunsCsv([exportedDrillRun({ status: 'running', endedAt: undefined, rtoSeconds: undefined, rpo: undefined, cleanup: undefined, targets: undefined })]);
    expect(csv.split('\r\n')[1]).toBe('run-1,orders-pitr,running,schedule,2026-03-02T02:00:00.000Z,,,,,,,,,2,true');
  });
});
