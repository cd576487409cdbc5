import * as z from './zod.js';
import type { FindingDetails } from './finding-details.js';
import type { CreateIncidentRequest } from './incident.js';

/** What deciding a finding yields, whichever service and format reported it, and the helpers every format's mapping shares. */

/** A finding, whichever service reported it, as the incident will know it. */
export interface MappedFinding {
  /**
   * What deduplicates it: the finding's ARN where it has one. GuardDuty's own event carries it as `arn`,
   * and Security Hub uses it as the `Id` of the GuardDuty findings it imports, so one finding seen
   * through both services opens one incident.
   */
  readonly dedupKey: string;
  readonly findingId: string;
  readonly updatedAt: string;
  readonly request: CreateIncidentRequest;
  /** What to act on (credentials, remote IP, API, resources): on the incident, in its runbook's input and its task emails. */
  readonly details?: FindingDetails;
}

export type FindingDecision =
  | { readonly outcome: 'open'; readonly finding: MappedFinding }
  | { readonly outcome: 'ignored'; readonly findingId: string; readonly reason: string }
  /** A sample finding (a test of the service, nothing happened): recorded under its key and dropped. */
  | { readonly outcome: 'sample'; readonly findingId: string; readonly dedupKey: string; readonly reason: string }
  /**
   * A finding someone closed in Security Hub (suppressed or resolved): it opens nothing. On the incident it
   * already opened, the closing is recorded and the commanders told; otherwise it is recorded under its key and dropped.
   */
  | { readonly outcome: 'closed'; readonly findingId: string; readonly dedupKey: string; readonly status: ClosedFindingStatus; readonly reason: string; readonly title: string; readonly updatedAt: string };

/** How a finding was closed, in ASFF's words (OCSF's Suppressed and Resolved, the deprecated WorkflowState's DEFERRED, map here). */
export type ClosedFindingStatus = 'SUPPRESSED' | 'RESOLVED';

/** The fields of every EventBridge event, around any service's `detail`. */
export const eventEnvelope = {
  version: z.string(),
  id: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
};

export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** An ISO time with an offset, as the incident schema wants, or nothing. */
export const isoTime = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
};

export const labelValue = (value: string): string => clip(value, 256);
