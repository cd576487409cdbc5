import { describe, expect, it } from 'vitest';
import type { PublicHumanTask } from '../../functions/domain/human-task.js';
import type { Incident } from '../../functions/domain/incident.js';
import { regulatoryCatalog } from '../../functions/domain/regulatory-stages.js';
import { reportStageDraftMarkdown } from '../../functions/domain/report-stage-draft.js';
import type { TrailEvent } from '../../functions/domain/trail-event.js';

/* A report stage's draft: every field the stage asks for, pre-filled from the record (incident, classification, findings, trail). */

const catalog = regulatoryCatalog({ dora: { intermediateFrom: 'classification', finalFrom: 'classification' } });
const incident = {
  incidentId: 'i-1',
  title: 'Customer export mailed to a partner',
  severity: 'SEV2',
  summary: 'A CSV of 300 EU customers sent to the wrong address',
  openedAt: '2026-12-07T09:00:00.000Z',
  awareAt: '2026-12-07T08:30:00.000Z',
  labels: { gdpr: 'personal-data' },
  status: 'resolved',
  resolvedAt: '2026-12-07T15:00:00.000Z',
  resolutionSummary: 'Partner deleted the file and confirmed in writing',
  mode: 'live',
} as unknown as Incident;
let seq = 0;
const event = (type: string, at: string, detail: Record<string, unknown> = {}, actor = 'arn:aws:iam::000000000000:user/carl-commander') =>
  ({ type, at, actor, detail, seq: (seq += 1), prevHash: '', hash: '' }) as unknown as TrailEvent;
const task = (taskId: string, extra: Partial<PublicHumanTask> = {}) =>
  ({ taskId, stepId: taskId, kind: 'task', title: taskId, status: 'open', createdAt: '2026-12-07T10:00:00.000Z', ...extra }) as unknown as PublicHumanTask;
const events = [
  event('incident.opened', '2026-12-07T09:00:00.000Z', { severity: 'SEV3' }),
  event('incident.classified', '2026-12-07T10:00:00.000Z', { added: ['personal-data'], reason: 'Names and emails of EU customers' }),
  event('notification.sent', '2026-12-07T10:00:01.000Z', { to: ['ada@example.com'] }),
  event('containment.achieved', '2026-12-07T11:00:00.000Z', { title: 'Partner asked to delete' }),
];
const contained = task('contain', { title: 'Contain the incident', status: 'completed', decision: { outcome: 'done', decidedBy: 'arn:aws:iam::000000000000:user/rita-responder', decidedAt: '2026-12-07T11:00:00.000Z', comment: 'partner\n# deleted it', via: 'api' } });

describe('reportStageDraftMarkdown', () => {
  it('fills the GDPR notification from the incident, its classification, the trail and the tasks done; says what is left and when it is due', () => {
    const gdpr = task('report-gdpr-authority-notification', { dueAt: '2026-12-10T08:30:00.000Z' });
    const draft = reportStageDraftMarkdown({ incident, events, tasks: [gdpr, contained] }, gdpr.taskId, catalog, new Date('2026-12-07T16:00:00.000Z'))!;
    expect(draft).toContain('# GDPR');
    expect(draft).toContain('- Due: 2026-12-10T08:30:00.000Z');
    expect(draft).toContain('- Not submitted yet');
    expect(draft).toMatch(/## Classified at\n\n2026-12-07T10:00:00.000Z/);
    expect(draft).toMatch(/## Aware at\n\n2026-12-07T08:30:00.000Z/);
    expect(draft).toContain('## Timeline');
    expect(draft).toContain('- 2026-12-07T11:00:00.000Z — containment.achieved — Partner asked to delete');
    // Who was emailed is not what happened.
    expect(draft).not.toContain('notification.sent');
    // Free text stays on its line: a comment cannot open a heading of its own.
    expect(draft).toContain('Contain the incident: done by arn:aws:iam::000000000000:user/rita-responder ("partner # deleted it")');
    expect(draft).not.toMatch(/^# deleted/m);
    expect(draft).toContain('## Findings\n\n_Not in the record: to write._');
    expect(draft).not.toContain('**Late**');
  });

  it('past the deadline: late, and the reasons required where the regulation asks for them; a submission records who, when and the reference', () => {
    const late = task('report-gdpr-authority-notification', { dueAt: '2026-12-10T08:30:00.000Z' });
    expect(reportStageDraftMarkdown({ incident, events, tasks: [late] }, late.taskId, catalog, new Date('2026-12-11T00:00:00.000Z'))).toContain('- **Late**: the submission must give the reasons for the delay');
    const submitted = task('report-gdpr-authority-notification', {
      dueAt: '2026-12-10T08:30:00.000Z',
      status: 'completed',
      decision: { outcome: 'done', decidedBy: 'arn:aws:iam::000000000000:user/ada-approver', decidedAt: '2026-12-09T12:00:00.000Z', comment: 'Filed on the portal\n# not a heading', reference: 'BN-2026-0142', via: 'api' },
    });
    const draft = reportStageDraftMarkdown({ incident, events, tasks: [submitted] }, submitted.taskId, catalog, new Date('2026-12-11T00:00:00.000Z'))!;
    expect(draft).toContain('- Submitted by arn:aws:iam::000000000000:user/ada-approver at 2026-12-09T12:00:00.000Z; reference: BN-2026-0142; comment: Filed on the portal');
    expect(draft).not.toMatch(/^# not a heading/m);
    expect(draft).not.toContain('**Late**');
    // Submitted before the reference was a field (or without one): said so, the comment kept.
    const older = task('report-gdpr-authority-notification', { status: 'completed', decision: { ...submitted.decision!, reference: undefined, comment: 'DPC ref BN-2026-0142' } });
    expect(reportStageDraftMarkdown({ incident, events, tasks: [older] }, older.taskId, catalog)).toContain('; reference: none recorded; comment: DPC ref BN-2026-0142');
    // Closed as not owed (a rejected authority decision): the draft says why.
    const closed = task('report-gdpr-authority-notification', { status: 'cancelled', cancelReason: 'not owed: decided by ada at 2026-12-09T12:00:00.000Z: encrypted' });
    expect(reportStageDraftMarkdown({ incident, events, tasks: [closed] }, closed.taskId, catalog)).toContain('- cancelled: not owed: decided by ada at 2026-12-09T12:00:00.000Z: encrypted');
  });

  it('a later stage carries the previous submission and the resolution', () => {
    const classified = [...events, event('incident.classified', '2026-12-07T12:00:00.000Z', { added: ['significant'], reason: 'Essential service' })];
    const notification = task('report-nis2-notification', {
      title: 'NIS2 incident notification',
      status: 'completed',
      decision: { outcome: 'done', decidedBy: 'arn:aws:iam::000000000000:user/ada-approver', decidedAt: '2026-12-08T09:00:00.000Z', comment: 'BSI ref NIS2-42', via: 'api' },
    });
    const withReference = { ...notification, decision: { ...notification.decision!, reference: 'NIS2-42', comment: 'by phone first' } };
    expect(reportStageDraftMarkdown({ incident, events: classified, tasks: [withReference, task('report-nis2-final')] }, 'report-nis2-final', catalog)).toContain(
      'NIS2 incident notification: submitted by arn:aws:iam::000000000000:user/ada-approver at 2026-12-08T09:00:00.000Z, reference NIS2-42: by phone first',
    );
    const final = task('report-nis2-final', { dueAt: '2027-01-08T09:00:00.000Z' });
    const draft = reportStageDraftMarkdown({ incident, events: classified, tasks: [notification, final] }, final.taskId, catalog, new Date('2026-12-09T00:00:00.000Z'))!;
    expect(draft).toContain('NIS2 incident notification: submitted by arn:aws:iam::000000000000:user/ada-approver at 2026-12-08T09:00:00.000Z: BSI ref NIS2-42');
    expect(draft).toContain('## Previous submission');
    expect(draft).toContain('Partner deleted the file and confirmed in writing (resolved 2026-12-07T15:00:00.000Z)');
  });

  it('makes no draft for a task that is no report stage, or a stage task the incident does not have', () => {
    expect(reportStageDraftMarkdown({ incident, events, tasks: [contained] }, 'contain', catalog)).toBeUndefined();
    expect(reportStageDraftMarkdown({ incident, events, tasks: [contained] }, 'report-gdpr-authority-notification', catalog)).toBeUndefined();
    expect(reportStageDraftMarkdown({ incident, events, tasks: [task('report-made-up')] }, 'report-made-up', catalog)).toBeUndefined();
  });
});
