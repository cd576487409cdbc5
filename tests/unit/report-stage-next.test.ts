import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { RegulatoryConfig } from '../../functions/domain/regulatory-config.js';
import { regulatoryCatalog } from '../../functions/domain/regulatory-stages.js';
import { reportStageEmail } from '../../functions/domain/report-stage-email.js';
import { nextStageAfterSubmission, stageOfTask } from '../../functions/domain/report-stage-task.js';

/* What a stage's submission opens, and what a stage's email pre-fills. */

const calendars = BusinessCalendarsConfig.parse({});
const strict = regulatoryCatalog(RegulatoryConfig.parse({}));
const literal = regulatoryCatalog(RegulatoryConfig.parse({ dora: { intermediateFrom: 'initial-submitted', finalFrom: 'intermediate-submitted' } }));
const anchors = { classifiedAt: '2026-11-23T21:00:00.000Z', awareAt: '2026-11-23T09:00:00.000Z', submittedAt: '2026-11-25T14:30:00.000Z' };

describe('the stage a submission opens', () => {
  it('NIS2: the notification opens the final report, one month after the submission on the regulator\'s calendar', () => {
    const next = nextStageAfterSubmission(strict, calendars, 'report-nis2-notification', anchors);
    expect(next?.stage).toMatchObject({ stageId: 'final', dueAt: '2026-12-25T14:30:00.000Z', overdue: false });
  });

  it('opens nothing after a stage whose successor counts from awareness or classification, nor after the last stage', () => {
    expect(nextStageAfterSubmission(strict, calendars, 'report-nis2-early-warning', anchors)).toBeUndefined();
    expect(nextStageAfterSubmission(strict, calendars, 'report-nis2-final', anchors)).toBeUndefined();
    expect(nextStageAfterSubmission(strict, calendars, 'report-gdpr-authority-notification', anchors)).toBeUndefined();
    // DORA's default (stricter) reading: every stage opened at classification.
    expect(nextStageAfterSubmission(strict, calendars, 'report-dora-initial', anchors)).toBeUndefined();
  });

  it('DORA counted from submissions when configured so: the initial opens the intermediate (72 h), the intermediate the final (1 month)', () => {
    expect(nextStageAfterSubmission(literal, calendars, 'report-dora-initial', anchors)?.stage).toMatchObject({ stageId: 'intermediate', dueAt: '2026-11-28T14:30:00.000Z' });
    expect(nextStageAfterSubmission(literal, calendars, 'report-dora-intermediate', anchors)?.stage).toMatchObject({ stageId: 'final', dueAt: '2026-12-25T14:30:00.000Z' });
  });

  it('a task id that only looks like a stage\'s opens nothing', () => {
    for (const taskId of ['report-nis2-notification-x', 'report-nis2', 'reportnis2-notification', 'review.post-incident', 'report-xyz-final', 'REPORT-nis2-notification']) {
      expect(stageOfTask(strict, taskId), taskId).toBeUndefined();
      expect(nextStageAfterSubmission(strict, calendars, taskId, anchors), taskId).toBeUndefined();
    }
  });
});

describe('a stage\'s email', () => {
  const base = {
    incident: { incidentId: 'inc-1', title: 'Keys leaked', severity: 'SEV1' as const, summary: 'AKIA key on a paste site', awareAt: anchors.awareAt, labels: { nis2: 'significant' }, mode: 'live' as const },
    task: { taskId: 'report-nis2-final', incidentId: 'inc-1', kind: 'task' as const, title: 'NIS2 final report — Keys leaked', instructions: 'NIS2 Art. 23(4)(d).', outcomes: ['done' as const], dueAt: '2026-12-25T14:30:00.000Z' },
    reportTitle: 'NIS2 significant incident report',
    stage: { title: 'NIS2 final report', draftFields: ['incident', 'timeline', 'previousSubmission'] as const },
    recipient: { address: 'ada@example.com', name: 'Ada', level: 0, mayComplete: true },
    apiUrl: 'https://api.example.com',
  };

  it('names the report, stage and deadline; pre-fills what the incident knows and names what it leaves to write; carries no link', () => {
    const email = reportStageEmail({ ...base, known: { previousSubmission: 'ada at 2026-11-25T14:30:00.000Z: ref 42' } });
    expect(email.subject).toBe('[SEV1] Regulatory report due 2026-12-25T14:30:00.000Z: NIS2 significant incident report — NIS2 final report — Keys leaked');
    expect(email.text).toContain('  incident: Keys leaked (inc-1)');
    expect(email.text).toContain('  awareAt: 2026-11-23T09:00:00.000Z');
    expect(email.text).toContain('  labels: nis2=significant');
    expect(email.text).toContain('  previousSubmission: ada at 2026-11-25T14:30:00.000Z: ref 42');
    expect(email.text).toContain('Left for you to write: detectedAt, findings, timeline.');
    expect(email.text).not.toContain('https://api.example.com/task-link');
    expect(email.html).not.toContain('class="button"');
  });

  it('escapes what the incident says in the HTML (a title is whoever opened the incident\'s words)', () => {
    const email = reportStageEmail({ ...base, incident: { ...base.incident, summary: '<script>alert(1)</script>' }, known: {} });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;');
  });
});
