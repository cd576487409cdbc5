import type { Incident } from './incident.js';
import { REVIEW_RECORDED_EVENT } from './corrective-action.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * Corrective actions and review findings as the trail tells them (action.created, .reminded, .overdue, .closed;
 * review.recorded): what the review draft and the evidence export list, read from the hash-chained record itself.
 */

/** One corrective action as the export lists it: the population for SOC 2 CC7.5 / ISO A.5.27 sampling. */
export interface TrackedAction {
  readonly incidentId: string;
  readonly incidentTitle: string;
  readonly severity: string;
  readonly mode: string;
  readonly actionId: string;
  readonly title: string;
  readonly owner: string;
  readonly ownerPrincipal?: string;
  readonly dueAt: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** At the time of the export: closed, overdue (open past due) or open. */
  readonly state: 'open' | 'overdue' | 'closed';
  readonly remindedAt?: string;
  readonly overdueAt?: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  readonly closedLate?: boolean;
  readonly evidenceNote?: string;
  readonly evidenceLink?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The incident's corrective actions, in the order they were created, each in its state at `now`. */
export function actionsFromTrail(
  incident: Pick<Incident, 'incidentId' | 'title' | 'severity' | 'mode'>,
  events: readonly Pick<TrailEventBody, 'type' | 'at' | 'actor' | 'detail'>[],
  now: Date,
): TrackedAction[] {
  const byId = new Map<string, TrackedAction>();
  for (const event of events) {
    const detail = event.detail ?? {};
    const actionId = text(detail.actionId);
    if (actionId === undefined) continue;
    if (event.type === 'action.created') {
      byId.set(actionId, {
        incidentId: incident.incidentId,
        incidentTitle: incident.title,
        severity: incident.severity,
        mode: incident.mode ?? 'live',
        actionId,
        title: text(detail.title) ?? '',
        owner: text(detail.owner) ?? '',
        ...(text(detail.ownerPrincipal) !== undefined && { ownerPrincipal: text(detail.ownerPrincipal) }),
        dueAt: text(detail.dueAt) ?? '',
        createdAt: event.at,
        createdBy: event.actor,
        state: 'open',
      });
      continue;
    }
    const action = byId.get(actionId);
    if (!action) continue;
    if (event.type === 'action.reminded') byId.set(actionId, { ...action, remindedAt: event.at });
    if (event.type === 'action.overdue') byId.set(actionId, { ...action, overdueAt: event.at });
    if (event.type === 'action.closed') {
      const evidence = (detail.evidence ?? {}) as Record<string, unknown>;
      byId.set(actionId, {
        ...action,
        state: 'closed',
        closedAt: event.at,
        closedBy: event.actor,
        closedLate: detail.late === true || action.overdueAt !== undefined || Date.parse(event.at) > Date.parse(action.dueAt),
        ...(text(evidence.note) !== undefined && { evidenceNote: text(evidence.note) }),
        ...(text(evidence.link) !== undefined && { evidenceLink: text(evidence.link) }),
      });
    }
  }
  return [...byId.values()].map((action) =>
    action.state !== 'closed' && (action.overdueAt !== undefined || Date.parse(action.dueAt) < now.getTime()) ? { ...action, state: 'overdue' as const } : action,
  );
}

export interface ReviewFindings {
  readonly rootCause: string;
  readonly wentWell: string;
  readonly wentBadly: string;
  readonly noCorrectiveActionReason?: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

/** The latest review record of the trail, or undefined when the review's findings were never recorded. */
export function reviewFindingsFromTrail(events: readonly Pick<TrailEventBody, 'type' | 'at' | 'actor' | 'detail'>[]): ReviewFindings | undefined {
  const latest = events.filter((event) => event.type === REVIEW_RECORDED_EVENT).at(-1);
  if (!latest) return undefined;
  const detail = latest.detail ?? {};
  return {
    rootCause: text(detail.rootCause) ?? '',
    wentWell: text(detail.wentWell) ?? '',
    wentBadly: text(detail.wentBadly) ?? '',
    ...(text(detail.noCorrectiveActionReason) !== undefined && { noCorrectiveActionReason: text(detail.noCorrectiveActionReason) }),
    recordedBy: latest.actor,
    recordedAt: latest.at,
  };
}
