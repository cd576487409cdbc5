import fc from 'fast-check';
import { RegulatoryConfig } from '../../functions/domain/regulatory-config.js';
import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { StepId } from '../../functions/domain/runbook-schema.js';
import { reportStageTaskId } from '../../functions/domain/report-stage-task.js';
import {
  ClassificationLabel,
  RegulatoryCatalog,
  RegulatoryReport,
  calendarFor,
  regulatoryCatalog,
  reportFor,
} from '../../functions/domain/regulatory-stages.js';
import { stageDeadline, type StageAnchors } from '../../functions/domain/regulatory-deadlines.js';

/* The regulatory reports as data: each stage's deadline, counted from the anchor its text names. */

const calendars = BusinessCalendarsConfig.parse({});
const strict = regulatoryCatalog(RegulatoryConfig.parse({}));
const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const stage = (regulation: 'gdpr' | 'dora' | 'nis2' | 'sec', id: string, catalog = strict) => {
  const report = catalog.find((entry) => entry.id === regulation)!;
  return { stage: report.stages.find((entry) => entry.id === id)!, calendar: calendarFor(regulation, calendars) };
};
const due = (regulation: 'gdpr' | 'dora' | 'nis2' | 'sec', id: string, anchors: StageAnchors, catalog = strict) => {
  const { stage: found, calendar } = stage(regulation, id, catalog);
  return stageDeadline(found, anchors, calendar);
};

const aware = '2026-11-10T08:00:00.000Z';

describe('the catalog', () => {
  it('starts one report per classification label, each with its stages in order', () => {
    for (const label of ClassificationLabel.options) expect(reportFor(strict, label).label).toBe(label);
    expect(strict.map((report) => [report.id, report.stages.map((entry) => entry.id)])).toEqual([
      ['gdpr', ['authority-notification']],
      ['dora', ['initial', 'intermediate', 'final']],
      ['nis2', ['early-warning', 'notification', 'final']],
      ['sec', ['form-8k']],
    ]);
    expect(reportFor(strict, 'major-ict').incidentLabel).toEqual({ key: 'dora', value: 'major' });
    expect(stage('gdpr', 'authority-notification').stage.lateNeedsReasons).toBe(true);
    expect(stage('dora', 'initial').stage.draftFields).toContain('classificationReason');
  });

  it('refuses a report that cannot be counted', () => {
    const gdpr = strict[0]!;
    const broken = (change: (report: typeof gdpr) => unknown) => RegulatoryReport.safeParse(change(structuredClone(gdpr)));
    // A first stage counting from a previous stage's submission would wait forever.
    expect(broken((report) => ({ ...report, stages: [{ ...report.stages[0]!, deadline: [{ from: 'previous-submitted', hours: 72 }] }] })).success).toBe(false);
    // A term with two amounts, or none.
    expect(broken((report) => ({ ...report, stages: [{ ...report.stages[0]!, deadline: [{ from: 'awareness', hours: 72, months: 1 }] }] })).success).toBe(false);
    expect(broken((report) => ({ ...report, stages: [{ ...report.stages[0]!, deadline: [{ from: 'awareness' }] }] })).success).toBe(false);
    expect(broken((report) => ({ ...report, stages: [report.stages[0], report.stages[0]] })).success).toBe(false);
    expect(broken((report) => ({ ...report, stages: [{ ...report.stages[0]!, deadline: [{ from: 'detection', hours: 72 }] }] })).success).toBe(false);
    expect(RegulatoryCatalog.safeParse([gdpr, gdpr]).success).toBe(false);
  });

  it('gives each stage a task id no runbook step can take (a step named so would be mistaken for the report)', () => {
    const ids = strict.flatMap((report) => report.stages.map((entry) => reportStageTaskId({ regulation: report.id }, { stageId: entry.id })));
    expect(ids).toContain('report-dora-initial');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(StepId.safeParse(id).success, id).toBe(false);
    expect(StepId.safeParse('dora-initial-report').success).toBe(true);
  });

  it('defaults the disputed DORA starts to classification, and refuses a start it does not know', () => {
    expect(IrdrConfig.shape.regulatory.parse(undefined)).toEqual({ dora: { intermediateFrom: 'classification', finalFrom: 'classification' } });
    const wrong = RegulatoryConfig.safeParse({ dora: { intermediateFrom: 'initial-sent' } });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]!.message).toContain('initial-submitted');
    expect(RegulatoryConfig.safeParse({ dora: { finalFrom: 'classification', extra: 1 } }).success).toBe(false);
  });
});

describe('GDPR Art. 33', () => {
  it('is due 72 hours after awareness, whenever the incident is classified', () => {
    expect(due('gdpr', 'authority-notification', { awareAt: aware, classifiedAt: plus(aware, 30) }).dueAt).toBe(plus(aware, 72));
    // Classified after the 72 hours: the deadline has passed (the submission then needs the reasons for the delay).
    expect(due('gdpr', 'authority-notification', { awareAt: aware, classifiedAt: plus(aware, 80) }).dueAt).toBe(plus(aware, 72));
  });
});

describe('DORA major ICT-related incident', () => {
  it('initial: 4 hours after classification, but never later than 24 hours after awareness', () => {
    const early = due('dora', 'initial', { awareAt: aware, classifiedAt: plus(aware, 2) });
    expect(early).toMatchObject({ dueAt: plus(aware, 6), governedBy: { from: 'classification', hours: 4 } });
    const late = due('dora', 'initial', { awareAt: aware, classifiedAt: plus(aware, 22) });
    expect(late).toMatchObject({ dueAt: plus(aware, 24), governedBy: { from: 'awareness', hours: 24 } });
    expect(late.terms.map((term) => term.at)).toEqual([plus(aware, 26), plus(aware, 24)]);
  });

  it('intermediate and final: from classification by default, however late the earlier stage is submitted', () => {
    const anchors = { awareAt: aware, classifiedAt: plus(aware, 2), previousSubmittedAt: plus(aware, 5) };
    expect(due('dora', 'intermediate', anchors).dueAt).toBe(plus(aware, 74));
    expect(due('dora', 'intermediate', { awareAt: aware, classifiedAt: plus(aware, 2) }).dueAt).toBe(plus(aware, 74));
    // One calendar month on Brussels time: 10 Nov 11:00 CET -> 10 Dec 11:00 CET.
    expect(due('dora', 'final', anchors).dueAt).toBe('2026-12-10T10:00:00.000Z');
  });

  it('counted from the previous submission when configured so: none until it is submitted', () => {
    const lenient = regulatoryCatalog(RegulatoryConfig.parse({ dora: { intermediateFrom: 'initial-submitted', finalFrom: 'intermediate-submitted' } }));
    const classified = { awareAt: aware, classifiedAt: plus(aware, 2) };
    expect(due('dora', 'intermediate', classified, lenient).dueAt).toBeUndefined();
    expect(due('dora', 'intermediate', { ...classified, previousSubmittedAt: plus(aware, 5) }, lenient).dueAt).toBe(plus(aware, 77));
    // Final: a month after the intermediate's submission, 31 Jan clamped to the end of February.
    expect(due('dora', 'final', { ...classified, previousSubmittedAt: '2027-01-31T09:00:00.000Z' }, lenient).dueAt).toBe('2027-02-28T09:00:00.000Z');
  });
});

describe('NIS2 Art. 23', () => {
  it('early warning 24 h and notification 72 h after awareness; the final a month after the notification', () => {
    const classified = { awareAt: aware, classifiedAt: plus(aware, 10) };
    expect(due('nis2', 'early-warning', classified).dueAt).toBe(plus(aware, 24));
    expect(due('nis2', 'notification', classified).dueAt).toBe(plus(aware, 72));
    expect(due('nis2', 'final', classified).dueAt).toBeUndefined();
    expect(due('nis2', 'final', { ...classified, previousSubmittedAt: '2026-11-12T15:00:00.000Z' }).dueAt).toBe('2026-12-12T15:00:00.000Z');
  });
});

describe('SEC Form 8-K Item 1.05', () => {
  it('four business days after the determination, on US federal holidays and New York time', () => {
    // Determined Tuesday 24 Nov 2026 16:00 New York: Wed, (Thanksgiving), Fri, Mon, Tue -> Tuesday 1 Dec 16:00.
    expect(due('sec', 'form-8k', { awareAt: aware, classifiedAt: '2026-11-24T21:00:00.000Z' }).dueAt).toBe('2026-12-01T21:00:00.000Z');
    // A determination recorded apart from the classification counts from itself.
    expect(due('sec', 'form-8k', { awareAt: aware, classifiedAt: '2026-11-24T21:00:00.000Z', determinedAt: '2026-11-23T21:00:00.000Z' }).dueAt).toBe('2026-11-30T21:00:00.000Z');
  });
});

describe('properties', () => {
  const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2031-01-01T00:00:00Z') });
  const lenient = regulatoryCatalog(RegulatoryConfig.parse({ dora: { intermediateFrom: 'initial-submitted', finalFrom: 'intermediate-submitted' } }));

  it('DORA initial is never later than 4 h after classification nor 24 h after awareness, and equals one of them', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 96 * 3_600_000 }), (awareMs, lagMs) => {
        const anchors = { awareAt: new Date(awareMs).toISOString(), classifiedAt: new Date(awareMs + lagMs).toISOString() };
        const dueAt = Date.parse(due('dora', 'initial', anchors).dueAt!);
        expect(dueAt).toBe(Math.min(awareMs + lagMs + 4 * 3_600_000, awareMs + 24 * 3_600_000));
      }),
    );
  });

  it('the default DORA starts are never later than the RTS text read literally, whenever the earlier stage is submitted', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 * 86_400_000 }), (classifiedMs, submittedAfterMs) => {
        const anchors = { awareAt: new Date(classifiedMs).toISOString(), classifiedAt: new Date(classifiedMs).toISOString(), previousSubmittedAt: new Date(classifiedMs + submittedAfterMs).toISOString() };
        for (const id of ['intermediate', 'final']) {
          expect(Date.parse(due('dora', id, anchors).dueAt!)).toBeLessThanOrEqual(Date.parse(due('dora', id, anchors, lenient).dueAt!));
        }
      }),
      // Found by a CI run: classified 28 Jan 01:07 CET, intermediate submitted 29 Jan 00:00 CET (both months clamp to 28 Feb).
      { examples: [[1769558844288, 82355712]], numRuns: 1_000 },
    );
  });

  it('a month is at least 28 and at most 31 days, on any start', () => {
    fc.assert(
      fc.property(instant, (startMs) => {
        const start = new Date(startMs).toISOString();
        const days = (Date.parse(due('nis2', 'final', { awareAt: start, classifiedAt: start, previousSubmittedAt: start }).dueAt!) - startMs) / 86_400_000;
        // ± an hour where the month crosses a DST change (the local time of day is kept).
        expect(days).toBeGreaterThanOrEqual(28 - 1 / 24);
        expect(days).toBeLessThanOrEqual(31 + 1 / 24);
      }),
    );
  });
});
