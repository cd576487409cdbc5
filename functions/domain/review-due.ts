import type { BusinessCalendar } from './business-calendars.js';
import { addBusinessDays } from './business-days.js';
import type { Severity } from './incident.js';
import type { PostIncidentReviewConfig } from './incident-review.js';

/* Apart from incident-review.ts, which the config schema reads: only the functions that set a review's due date bundle the holiday calendars. */

/** When the review of an incident of this severity resolved at `resolvedAt` is due; undefined: no review. */
export function reviewDueAt(severity: Severity, resolvedAt: string, config: PostIncidentReviewConfig, calendar: BusinessCalendar): string | undefined {
  const days = config.dueInBusinessDays[severity];
  return days === undefined ? undefined : addBusinessDays(new Date(resolvedAt), days, calendar).toISOString();
}
