import * as z from './zod.js';
import type { BusinessCalendar, BusinessCalendarsConfig } from './business-calendars.js';
import type { RegulatoryConfig } from './regulatory-config.js';
import { ClassificationLabel } from './classification-label.js';

/*
 * The regulatory reports an incident's classification can owe, as data: each report a series of stages, each stage
 * due at the earliest of its deadline terms, each term counted from an anchor (the classification, awareness, the
 * previous stage's submission, or SEC's materiality determination). Texts followed: docs/regulatory-stages.md.
 */

/** What a commander can classify an incident as; each starts one report (defined apart, for the runbook schema). */
export { ClassificationLabel };

export const Regulation = z.enum(['gdpr', 'dora', 'nis2', 'sec']);
export type Regulation = z.infer<typeof Regulation>;

export const StageAnchor = z.enum(['classification', 'awareness', 'previous-submitted', 'determination']);
export type StageAnchor = z.infer<typeof StageAnchor>;

/** One "within X of Y": exactly one of hours, calendar months (in the regulator's zone) or business days (its holidays). */
export const DeadlineTerm = z.strictObject({
  from: StageAnchor,
  hours: z.optional(z.number().check(z.int(), z.gte(1), z.lte(8_760))),
  months: z.optional(z.number().check(z.int(), z.gte(1), z.lte(12))),
  businessDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(60))),
}).check(z.refine((term) => [term.hours, term.months, term.businessDays].filter((amount) => amount !== undefined).length === 1, {
  message: 'a deadline term has exactly one of hours, months or businessDays',
}));
export type DeadlineTerm = z.infer<typeof DeadlineTerm>;

/** What a stage's draft is pre-filled with, from the incident, its classification, trail and findings. */
export const DraftField = z.enum([
  'incident',
  'severity',
  'summary',
  'detectedAt',
  'awareAt',
  'classifiedAt',
  'classificationReason',
  'labels',
  'findings',
  'timeline',
  'actionsTaken',
  'resolution',
  'previousSubmission',
]);
export type DraftField = z.infer<typeof DraftField>;

const StageId = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'a stage id is lowercase letters, digits and dashes, e.g. initial'));

export const ReportStage = z.strictObject({
  id: StageId,
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  /** The provision that sets this stage, for the task, the trail and the emails. */
  obligation: z.string().check(z.minLength(1), z.maxLength(300)),
  /** Due at the earliest of these ("within 4 hours of classification and 24 hours of awareness"). */
  deadline: z.array(DeadlineTerm).check(z.minLength(1), z.maxLength(3)),
  draftFields: z.array(DraftField).check(z.minLength(1)),
  /** A submission after the deadline must carry the reasons for the delay (GDPR Art. 33(1), DORA RTS Art. 5). */
  lateNeedsReasons: z._default(z.boolean(), false),
});
export type ReportStage = z.infer<typeof ReportStage>;

export const RegulatoryReport = z.strictObject({
  id: Regulation,
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  /** The classification label that starts it. */
  label: ClassificationLabel,
  /** The incident label the classification sets, which runbook choices read (e.g. labels.dora = major). */
  incidentLabel: z.strictObject({ key: z.string().check(z.minLength(1), z.maxLength(64)), value: z.string().check(z.minLength(1), z.maxLength(64)) }),
  stages: z.array(ReportStage).check(z.minLength(1), z.maxLength(5)),
}).check(z.superRefine((report, ctx) => {
  const ids = report.stages.map((stage) => stage.id);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['stages'], message: 'stage ids repeat within a report' });
  if (report.stages[0]?.deadline.some((term) => term.from === 'previous-submitted')) {
    ctx.addIssue({ code: 'custom', path: ['stages', 0, 'deadline'], message: 'the first stage has no previous stage to count from' });
  }
}));
export type RegulatoryReport = z.infer<typeof RegulatoryReport>;

export const RegulatoryCatalog = z.array(RegulatoryReport).check(z.superRefine((reports, ctx) => {
  for (const field of ['id', 'label'] as const) {
    const values = reports.map((report) => report[field]);
    if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', message: `two reports share a ${field}` });
  }
}));
export type RegulatoryCatalog = z.infer<typeof RegulatoryCatalog>;

/** The reports, with the configured starts; parsed, so a change that breaks the schema fails at load. */
export function regulatoryCatalog(config: RegulatoryConfig): RegulatoryCatalog {
  const doraIntermediateFrom: StageAnchor = config.dora.intermediateFrom === 'classification' ? 'classification' : 'previous-submitted';
  const doraFinalFrom: StageAnchor = config.dora.finalFrom === 'classification' ? 'classification' : 'previous-submitted';
  return RegulatoryCatalog.parse([
    {
      id: 'gdpr',
      title: 'GDPR personal data breach notification',
      label: 'personal-data',
      incidentLabel: { key: 'gdpr', value: 'personal-data' },
      stages: [
        {
          id: 'authority-notification',
          title: 'Notify the supervisory authority',
          obligation: 'GDPR Art. 33(1): without undue delay and, where feasible, not later than 72 hours after having become aware of it; later, with the reasons for the delay',
          deadline: [{ from: 'awareness', hours: 72 }],
          draftFields: ['incident', 'summary', 'detectedAt', 'awareAt', 'classifiedAt', 'labels', 'findings', 'timeline', 'actionsTaken'],
          lateNeedsReasons: true,
        },
      ],
    },
    {
      id: 'dora',
      title: 'DORA major ICT-related incident report',
      label: 'major-ict',
      incidentLabel: { key: 'dora', value: 'major' },
      stages: [
        {
          id: 'initial',
          title: 'DORA initial notification',
          obligation: 'DORA Art. 19(4)(a); RTS (EU) 2025/301 Art. 5(1)(a): within 4 hours of classification as major and no later than 24 hours after becoming aware',
          deadline: [
            { from: 'classification', hours: 4 },
            { from: 'awareness', hours: 24 },
          ],
          draftFields: ['incident', 'severity', 'summary', 'detectedAt', 'awareAt', 'classifiedAt', 'classificationReason', 'findings', 'actionsTaken'],
          lateNeedsReasons: true,
        },
        {
          id: 'intermediate',
          title: 'DORA intermediate report',
          obligation: 'DORA Art. 19(4)(b); RTS (EU) 2025/301 Art. 5(1)(b): within 72 hours of the initial notification (counted from classification by default, the stricter reading)',
          deadline: [{ from: doraIntermediateFrom, hours: 72 }],
          draftFields: ['incident', 'severity', 'summary', 'classifiedAt', 'findings', 'timeline', 'actionsTaken', 'previousSubmission'],
          lateNeedsReasons: true,
        },
        {
          id: 'final',
          title: 'DORA final report',
          obligation: 'DORA Art. 19(4)(c); RTS (EU) 2025/301 Art. 5(1)(c): within one month of the (latest updated) intermediate report (counted from classification by default, the stricter reading)',
          deadline: [{ from: doraFinalFrom, months: 1 }],
          draftFields: ['incident', 'severity', 'summary', 'timeline', 'actionsTaken', 'resolution', 'previousSubmission'],
          lateNeedsReasons: true,
        },
      ],
    },
    {
      id: 'nis2',
      title: 'NIS2 significant incident report',
      label: 'significant',
      incidentLabel: { key: 'nis2', value: 'significant' },
      stages: [
        {
          id: 'early-warning',
          title: 'NIS2 early warning',
          obligation: 'NIS2 Art. 23(4)(a): without undue delay and in any event within 24 hours of becoming aware of the significant incident',
          deadline: [{ from: 'awareness', hours: 24 }],
          draftFields: ['incident', 'summary', 'awareAt', 'classifiedAt', 'findings'],
        },
        {
          id: 'notification',
          title: 'NIS2 incident notification',
          obligation: 'NIS2 Art. 23(4)(b): without undue delay and in any event within 72 hours of becoming aware of the significant incident',
          deadline: [{ from: 'awareness', hours: 72 }],
          draftFields: ['incident', 'severity', 'summary', 'awareAt', 'classifiedAt', 'findings', 'timeline', 'actionsTaken', 'previousSubmission'],
        },
        {
          id: 'final',
          title: 'NIS2 final report',
          obligation: 'NIS2 Art. 23(4)(d): not later than one month after the submission of the incident notification',
          deadline: [{ from: 'previous-submitted', months: 1 }],
          draftFields: ['incident', 'severity', 'summary', 'timeline', 'actionsTaken', 'resolution', 'previousSubmission'],
        },
      ],
    },
    {
      id: 'sec',
      title: 'SEC Form 8-K Item 1.05',
      label: 'material',
      incidentLabel: { key: 'sec', value: 'material' },
      stages: [
        {
          id: 'form-8k',
          title: 'File Form 8-K Item 1.05',
          obligation: 'Form 8-K General Instruction B.1 and Item 1.05: within four business days after the registrant determines the incident is material',
          deadline: [{ from: 'determination', businessDays: 4 }],
          draftFields: ['incident', 'summary', 'classifiedAt', 'classificationReason', 'actionsTaken'],
        },
      ],
    },
  ]);
}

/** The report a classification label starts. */
export const reportFor = (catalog: RegulatoryCatalog, label: ClassificationLabel): RegulatoryReport => catalog.find((report) => report.label === label)!;

/** The calendar a regulation's deadlines count on. */
export const calendarFor = (regulation: Regulation, calendars: BusinessCalendarsConfig): BusinessCalendar => calendars[regulation];
