import * as z from './zod.js';
import { multiLine } from './plain-text.js';
import type { Incident, IncidentStatus } from './incident.js';

/** What people do to an incident's status through the API. */
export type LifecycleAction = 'acknowledge' | 'resolve' | 'close';

interface Transition {
  readonly from: readonly IncidentStatus[];
  readonly to: IncidentStatus;
  /** The trail event that records it. */
  readonly eventType: string;
}

/** open → acknowledged → resolved → closed; an open incident may also be resolved at once. */
export const lifecycleTransitions: Readonly<Record<LifecycleAction, Transition>> = {
  acknowledge: { from: ['open'], to: 'acknowledged', eventType: 'incident.acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved', eventType: 'incident.resolved' },
  close: { from: ['resolved'], to: 'closed', eventType: 'incident.closed' },
};

/** The actions allowed from a status, in lifecycle order. */
export function actionsAllowedFrom(status: IncidentStatus): LifecycleAction[] {
  return (Object.keys(lifecycleTransitions) as LifecycleAction[]).filter((action) =>
    lifecycleTransitions[action].from.includes(status),
  );
}

/** Body of POST /incidents/{id}/resolve (optional: an empty body resolves without a summary). */
export const ResolveIncidentRequest = z.strictObject({
  summary: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(4000), multiLine)),
});
export type ResolveIncidentRequest = z.infer<typeof ResolveIncidentRequest>;

/** Body of POST /incidents/{id}/notes. */
export const AddNoteRequest = z.strictObject({
  text: z.string().check(z.trim(), z.minLength(1, 'a note needs some text'), z.maxLength(4000), multiLine),
});
export type AddNoteRequest = z.infer<typeof AddNoteRequest>;

/** Whole seconds from one ISO time to a later one (never negative: clocks of different writers may skew). */
export function elapsedSeconds(fromIso: string, toIso: string): number {
  return Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
}

/** Time to acknowledge: acknowledged − opened, in seconds. */
export const mttaSeconds = (incident: Pick<Incident, 'openedAt'>, acknowledgedAt: string): number =>
  elapsedSeconds(incident.openedAt, acknowledgedAt);

/** Time to resolve: resolved − opened, in seconds. */
export const mttrSeconds = (incident: Pick<Incident, 'openedAt'>, resolvedAt: string): number =>
  elapsedSeconds(incident.openedAt, resolvedAt);

/** What a transition sets on the incident besides its status (its milestone, who, and the measures it completes). */
export function transitionChanges(
  action: LifecycleAction,
  incident: Pick<Incident, 'openedAt'>,
  at: string,
  actor: string,
  request: ResolveIncidentRequest = {},
): Partial<Incident> {
  switch (action) {
    case 'acknowledge':
      return { acknowledgedAt: at, acknowledgedBy: actor, mttaSeconds: mttaSeconds(incident, at) };
    case 'resolve':
      return {
        resolvedAt: at,
        resolvedBy: actor,
        mttrSeconds: mttrSeconds(incident, at),
        ...(request.summary !== undefined && { resolutionSummary: request.summary }),
      };
    case 'close':
      return { closedAt: at, closedBy: actor };
  }
}

/** The 409 message for an action the incident's status does not allow. */
export function transitionConflictMessage(incidentId: string, action: LifecycleAction, status: IncidentStatus): string {
  const allowed = actionsAllowedFrom(status);
  const next = allowed.length
    ? `from "${status}" it can only be ${allowed.map((candidate) => `${lifecycleTransitions[candidate].to} (POST /incidents/${incidentId}/${candidate})`).join(' or ')}`
    : `"${status}" is final, nothing follows it`;
  return `cannot ${action} incident ${incidentId}: it is ${status}; ${next}`;
}

/** The incident's milestones, oldest first as the lifecycle goes; unset ones are left out. */
export function milestonesOf(incident: Incident): Partial<Record<'detectedAt' | 'awareAt' | 'openedAt' | 'acknowledgedAt' | 'resolvedAt' | 'closedAt', string>> {
  const { detectedAt, awareAt, openedAt, acknowledgedAt, resolvedAt, closedAt } = incident;
  return Object.fromEntries(
    Object.entries({ detectedAt, awareAt, openedAt, acknowledgedAt, resolvedAt, closedAt }).filter(([, at]) => at !== undefined),
  );
}

/** Whether an incident counts in response statistics (MTTA, MTTR): exercises do not. */
export const countsInResponseStatistics = (incident: Pick<Incident, 'mode'>): boolean => incident.mode !== 'exercise';
