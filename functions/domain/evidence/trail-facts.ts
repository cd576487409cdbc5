import type { StoredTrailEvent } from '../chain-verify.js';
import { REPORT_TASK_ID_PREFIX } from '../id-patterns.js';
import { REVIEW_TASK_ID } from '../incident-review.js';
import type { TrailEventBody } from '../trail-event.js';
import { clockOutcomes, type IncidentClock } from './clock-outcomes.js';

/**
 * What the export's views read from a trail's events, taken once as the trail is verified: the events themselves are
 * then written into their listing (incidents.json, drill-runs.json) and not kept, so a year is never held in memory.
 */
export interface TrailFacts {
  /** How many events the trail holds. */
  readonly events: number;
  /** Each report stage submitted: `report-gdpr-authority-notification: DPC-BN-2026-0142 (by …, at …)`. */
  readonly regulatorySubmissions: readonly string[];
  /** The comment of the last completion of the post-incident review task: the lessons learned. */
  readonly reviewLessons?: string;
  /** Every clock the trail started, with its outcome. */
  readonly clocks: readonly IncidentClock[];
  /** The last drill outcome event (drill.passed or drill.failed), if any. */
  readonly lastDrillOutcome?: string;
  /** The corrective-action events (action.*), in trail order: their state is judged at the export's own time. */
  readonly actionEvents: readonly TrailEventBody[];
}

const detailOf = (event: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined => event['detail'] as Readonly<Record<string, unknown>> | undefined;

function regulatorySubmissions(events: readonly StoredTrailEvent[]): string[] {
  return events.flatMap(({ event }) => {
    const detail = detailOf(event);
    const taskId = detail?.['taskId'];
    if (event['type'] !== 'task.completed' || typeof taskId !== 'string' || !taskId.startsWith(REPORT_TASK_ID_PREFIX)) return [];
    const reference = typeof detail?.['reference'] === 'string' ? detail['reference'] : 'no reference recorded';
    return [`${taskId}: ${reference} (by ${String(event['actor'])}, at ${String(event['at'])})`];
  });
}

function reviewLessons(events: readonly StoredTrailEvent[]): string | undefined {
  const completions = events.filter(({ event }) => event['type'] === 'task.completed' && detailOf(event)?.['taskId'] === REVIEW_TASK_ID);
  const comment = completions.length === 0 ? undefined : detailOf(completions.at(-1)!.event)?.['comment'];
  return typeof comment === 'string' && comment.trim() !== '' ? comment : undefined;
}

/** The facts of one trail's events (in seq order, as read). */
export function trailFacts(events: readonly StoredTrailEvent[]): TrailFacts {
  const lessons = reviewLessons(events);
  const lastDrillOutcome = events.map(({ event }) => event['type']).filter((type) => type === 'drill.passed' || type === 'drill.failed').at(-1);
  return {
    events: events.length,
    regulatorySubmissions: regulatorySubmissions(events),
    ...(lessons !== undefined && { reviewLessons: lessons }),
    clocks: clockOutcomes(events),
    ...(typeof lastDrillOutcome === 'string' && { lastDrillOutcome }),
    actionEvents: events.filter(({ event }) => typeof event['type'] === 'string' && event['type'].startsWith('action.')).map(({ event }) => event as unknown as TrailEventBody),
  };
}
