import type { BusinessCalendar } from './business-calendars.js';
import { addBusinessDays } from './business-days.js';
import type { DeadlineTerm, ReportStage, StageAnchor } from './regulatory-stages.js';
import { monthsDeadline } from './zoned-time.js';

/*
 * When a regulatory report stage falls due: its terms counted on the regulator's calendar (holidays, zone). Apart from
 * the catalog (regulatory-stages.ts), so that what only reads the catalog carries no holiday tables.
 */

/** The instants a stage's terms count from; an anchor not reached yet (the previous stage not submitted) is absent. */
export interface StageAnchors {
  readonly classifiedAt: string;
  /** Awareness (the incident's awareAt, else detectedAt, else openedAt). */
  readonly awareAt: string;
  /** SEC's materiality determination: the classification as material unless recorded apart. */
  readonly determinedAt?: string;
  readonly previousSubmittedAt?: string;
}

export interface StageDeadline {
  /** The earliest of the terms that can be counted; absent while every term waits for its anchor. */
  readonly dueAt?: string;
  /** The term that sets dueAt. */
  readonly governedBy?: DeadlineTerm;
  /** Each term and when it falls, or that it waits for its anchor. */
  readonly terms: ReadonlyArray<{ readonly term: DeadlineTerm; readonly at?: string }>;
}

const anchorInstant = (from: StageAnchor, anchors: StageAnchors): string | undefined => {
  switch (from) {
    case 'classification':
      return anchors.classifiedAt;
    case 'awareness':
      return anchors.awareAt;
    case 'determination':
      return anchors.determinedAt ?? anchors.classifiedAt;
    case 'previous-submitted':
      return anchors.previousSubmittedAt;
  }
};

/** When a term falls, counted from its anchor on the regulator's calendar. */
export function termDeadline(term: DeadlineTerm, anchorAt: Date, calendar: BusinessCalendar): Date {
  if (term.hours !== undefined) return new Date(anchorAt.getTime() + term.hours * 3_600_000);
  if (term.months !== undefined) return monthsDeadline(anchorAt, term.months, calendar.timeZone);
  return addBusinessDays(anchorAt, term.businessDays!, calendar);
}

/** A stage's deadline: the earliest of its terms (ties go to the first listed). */
export function stageDeadline(stage: Pick<ReportStage, 'deadline'>, anchors: StageAnchors, calendar: BusinessCalendar): StageDeadline {
  const terms = stage.deadline.map((term) => {
    const from = anchorInstant(term.from, anchors);
    return from === undefined ? { term } : { term, at: termDeadline(term, new Date(from), calendar).toISOString() };
  });
  let earliest: { term: DeadlineTerm; at: string } | undefined;
  for (const candidate of terms) {
    if (candidate.at !== undefined && (earliest === undefined || Date.parse(candidate.at) < Date.parse(earliest.at))) earliest = { term: candidate.term, at: candidate.at };
  }
  return earliest === undefined ? { terms } : { dueAt: earliest.at, governedBy: earliest.term, terms };
}

