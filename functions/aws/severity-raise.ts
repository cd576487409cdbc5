import { irdrConfig } from '../config.js';
import type { Incident, Severity } from '../domain/incident.js';
import { rolesToTellOfSeverity, severityRaisedEmail, type SeverityRaiseCause } from '../domain/finding-update.js';
import { clockStartedDetail } from '../domain/clock.js';
import { incidentPk } from '../domain/keys.js';
import { armOnRaise } from '../domain/severity-raise.js';
import { becomesUrgent } from '../domain/slack-message.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { reviewDueAt } from '../domain/review-due.js';
import { armClock, listClocks } from './clock-store.js';
import { appendEvent } from './event-trail.js';
import { getTask } from './human-task-store.js';
import { schedulePostIncidentReview } from './post-incident-review.js';
import { roleAddresses, sendAndRecordEmail } from './notifier.js';
import { answerWaitingRun } from './task-answer.js';

/*
 * What a raise of an incident's severity starts, for every way it is raised (a finding arriving more severe, a
 * commander's classification): the clocks that apply only to the new severity, and the page to the roles it tells.
 * Called once per raise (after the conditional write that raised it); a lowering never calls it, so nothing stops.
 */

export interface SeverityRaise {
  readonly tableName: string;
  /** The incident as raised. */
  readonly incident: Incident;
  readonly from: Severity;
  readonly to: Severity;
  readonly at: string;
  readonly actor: string;
  readonly cause: SeverityRaiseCause;
}

/** Starts what `to` starts and `from` did not, and records it as `severity.raise-started`. */
export async function startWhatTheSeverityStarts(raise: SeverityRaise): Promise<void> {
  const { tableName, incident, from, to, at, actor } = raise;
  const clocks: Array<Record<string, unknown>> = [];
  for (const clock of await listClocks(tableName, incident.incidentId)) {
    const decision = armOnRaise(clock, to, new Date(at), incident, irdrConfig.businessCalendars[clock.definition?.calendar ?? 'team']);
    if (decision === undefined) continue;
    if (!('plan' in decision)) {
      clocks.push({ clockId: decision.clockId, started: false, why: decision.why });
      continue;
    }
    const { plan } = decision;
    const armed = await armClock(tableName, { incidentId: incident.incidentId, clockId: clock.clockId }, plan, { from, to, at });
    if (armed === false) continue; // another raise started it, or its step was done meanwhile
    await appendEvent(tableName, incidentPk(incident.incidentId), {
      type: 'clock.started',
      at,
      actor,
      stepId: clock.clockId,
      detail: { ...clockStartedDetail(clock, plan, clock.definition?.metBy ?? []), startedBy: { severityRaised: { from, to } } },
    });
    // The run's clock branch waits on this token; without one yet, it finds the clock started when it asks.
    if (armed.token !== undefined) await answerWaitingRun(armed.token, JSON.stringify({ plan }));
    clocks.push({ clockId: clock.clockId, started: true, deadlineAt: plan.deadlineAt });
  }

  const review = await openReviewAfterResolve(raise);
  const roles = rolesToTellOfSeverity(to);
  const urgent = irdrConfig.slack !== undefined && becomesUrgent(irdrConfig.slack, from, to);
  await appendEvent(tableName, incidentPk(incident.incidentId), {
    type: 'severity.raise-started',
    at,
    actor,
    detail: { from, to, clocks, paged: roles, ...(review !== undefined && { review }), ...(urgent && { slackUrgentMention: true }) },
  });
  const started = [
    ...clocks.filter((clock) => clock.started === true).map((clock) => `the clock ${String(clock.clockId)}, due ${String(clock.deadlineAt)}`),
    ...(review?.opened === true ? [`the post-incident review (${REVIEW_TASK_ID}), due ${review.dueAt}`] : []),
  ];
  await sendAndRecordEmail(
    { tableName, incidentId: incident.incidentId, actor, detail: { purpose: 'severity-raised', from, to, roles }, ...(urgent && { mentionUrgent: true }) },
    roleAddresses(roles),
    severityRaisedEmail(incident, { from, to, started, ...raise.cause }),
  );
}

type ReviewOnRaise = { readonly opened: true; readonly taskId: string; readonly dueAt: string } | { readonly opened: false; readonly why: string };

/**
 * A raise after resolve: the review was decided at resolve by the old severity, so the review the new one calls for
 * (SEV1/SEV2 by default) opens now, due from the raise, as resolving would have opened it. The incident is not
 * reopened: its response is over, and what the higher severity still asks of it is the review and its corrective
 * actions. Undefined when the incident is not resolved (a review then opens on resolve, at the severity it has then).
 */
async function openReviewAfterResolve(raise: SeverityRaise): Promise<ReviewOnRaise | undefined> {
  const { tableName, incident, at, actor } = raise;
  if (incident.status !== 'resolved') return undefined;
  if ((await getTask(tableName, incident.incidentId, REVIEW_TASK_ID)) !== undefined) return { opened: false, why: 'the review opened on resolve is the review' };
  if (reviewDueAt(incident.severity, at, irdrConfig.postIncidentReview, irdrConfig.businessCalendars.team) === undefined) return { opened: false, why: `no review is held at ${incident.severity}` };
  const dueAt = await schedulePostIncidentReview(tableName, incident, at, actor);
  return dueAt === undefined ? { opened: false, why: `no review is held at ${incident.severity}` } : { opened: true, taskId: REVIEW_TASK_ID, dueAt };
}
