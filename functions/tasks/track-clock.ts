import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { getClock, keepArmToken, markMetWhileNotApplicable, putNewClock, transitionClock } from '../aws/clock-store.js';
import { answerWaitingRun } from '../aws/task-answer.js';
import { getIncident } from '../aws/incident-store.js';
import { irdrConfig } from '../config.js';
import { roleAddresses, sendAndRecordEmail } from '../aws/notifier.js';
import { logger } from '../aws/powertools.js';
import { afterStage, CLOCK_MISSED_KIND_FIELD, clockAnchor, clockStartedDetail, planClock, TrackClockPayload, type ClockPlan, type ClockStage } from '../domain/clock.js';
import { clockEmail } from '../domain/clock-email.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

type Request = TrackClockPayload;

/**
 * Runbook step for deadline clocks (see functions/domain/clock.ts): `start` plans the clock and records it;
 * `remind` and `deadline` run in the clock's own branch; `met` runs after the step that meets it; `stop`
 * when the steps beside it finished first. Returns the plan the clock branch carries on with.
 */
export const handler = async (payload: unknown, context: Context): Promise<ClockPlan | { clockId: string }> => {
  logger.addContext(context);
  const request = TrackClockPayload.parse(payload);
  switch (request.action) {
    case 'start':
      return start(request);
    case 'remind':
      return remind(request);
    case 'deadline':
      return deadline(request);
    case 'met':
      return met(request);
    case 'stop':
      return stop(request);
    case 'await-raise':
      return awaitRaise(request);
  }
};

const actorOf = (request: { executionArn: string }): string => stepActor(request.executionArn);

async function record(request: { incidentId: string; stepId: string; executionArn: string }, type: string, detail: Record<string, unknown>, at = new Date().toISOString()): Promise<void> {
  await appendEvent(tableName, incidentPk(request.incidentId), { type, at, actor: actorOf(request), stepId: request.stepId, detail });
}

async function start(request: Extract<Request, { action: 'start' }>): Promise<ClockPlan> {
  const now = new Date();
  const clockId = request.stepId;
  const { clock } = request;
  const incident = await getIncident(tableName, request.incidentId);
  const anchorSource = {
    awareAt: incident?.awareAt ?? (request.input['awareAt'] as string | undefined),
    detectedAt: incident?.detectedAt ?? (request.input['detectedAt'] as string | undefined),
    openedAt: incident?.openedAt ?? now.toISOString(),
  };
  // The incident's severity now, not the run's input: a raise before this step is seen here.
  const severity = incident?.severity ?? request.input['severity'];
  const armed = clock.appliesTo === undefined || clock.appliesTo.includes(severity as never);
  const plan = planClock(clockId, clock, clockAnchor(clock.from, anchorSource, now), now, armed, irdrConfig.businessCalendars[clock.calendar ?? 'team']);

  const stored = await putNewClock(tableName, {
    clockId,
    incidentId: request.incidentId,
    executionArn: request.executionArn,
    title: clock.title,
    ...(clock.obligation !== undefined && { obligation: clock.obligation }),
    kind: clock.kind,
    status: armed ? 'running' : 'not-applicable',
    anchor: plan.anchor,
    anchorAt: plan.anchorAt,
    deadlineAt: plan.deadlineAt,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...(!armed && { definition: clock }),
  });
  if (!stored.created) {
    // A retried start, or the step that meets it finished before the clock branch began.
    const running = stored.clock.status === 'running';
    return { ...plan, armed: running, running };
  }
  if (armed) {
    await record(request, 'clock.started', clockStartedDetail(clock, plan, clock.metBy));
  }
  logger.info('clock started', { incidentId: request.incidentId, clockId, armed, deadlineAt: plan.deadlineAt });
  return plan;
}

async function emailClockRoles(request: Extract<Request, { action: 'remind' | 'deadline' }>, stage: ClockStage): Promise<void> {
  const clock = await getClock(tableName, request.incidentId, request.plan.clockId);
  const email = clockEmail(request.plan, stage, clock?.obligation, request.input);
  await sendAndRecordEmail(
    { tableName, incidentId: request.incidentId, actor: actorOf(request), stepId: request.stepId, detail: { purpose: stage.kind === 'deadline' ? 'clock-missed' : 'clock-reminder', clockId: request.plan.clockId } },
    roleAddresses(stage.notify),
    email,
  );
}

async function remind(request: Extract<Request, { action: 'remind' }>): Promise<ClockPlan> {
  const index = request.reminder - 1;
  const stage = request.plan.stages[index];
  if (!stage || stage.kind !== 'reminder') throw new Error(`clock ${request.plan.clockId} has no reminder ${request.reminder}`);
  const clock = await getClock(tableName, request.incidentId, request.plan.clockId);
  const running = clock?.status === 'running';
  if (running && !stage.skip) {
    await record(request, 'clock.reminder', {
      clockId: request.plan.clockId,
      reminder: request.reminder,
      fraction: stage.fraction,
      dueAt: stage.at,
      deadlineAt: request.plan.deadlineAt,
      leftSeconds: Math.round((Date.parse(request.plan.deadlineAt) - Date.parse(stage.at)) / 1000),
      notify: stage.notify,
    });
    await emailClockRoles(request, stage);
  }
  return afterStage(request.plan, index, new Date(), running);
}

async function deadline(request: Extract<Request, { action: 'deadline' }>): Promise<ClockPlan> {
  const { plan } = request;
  const at = new Date().toISOString();
  const missed = await transitionClock(tableName, { incidentId: request.incidentId, clockId: plan.clockId }, 'running', 'missed', { missedAt: at, updatedAt: at });
  if (missed) {
    await record(request, 'clock.missed', { clockId: plan.clockId, title: plan.title, kind: plan.kind, deadlineAt: plan.deadlineAt, anchor: plan.anchor, anchorAt: plan.anchorAt }, at);
    if (plan.kind === 'sla') {
      await record(request, 'sla.breached', { clockId: plan.clockId, title: plan.title, deadlineAt: plan.deadlineAt });
    }
    // One line per live miss, read by the ClockMissed/SlaBreached metric filters (lib/alarms.ts); exercises are not alerts.
    const exercise = request.input['mode'] === 'exercise';
    logger.warn('clock missed', { incidentId: request.incidentId, clockId: plan.clockId, [CLOCK_MISSED_KIND_FIELD]: plan.kind, exercise });
    const stage = plan.stages.at(-1)!;
    await emailClockRoles(request, stage);
  }
  return { ...plan, running: false, nextWaitSeconds: 0 };
}

async function met(request: Extract<Request, { action: 'met' }>): Promise<{ clockId: string }> {
  const at = new Date();
  const key = { incidentId: request.incidentId, clockId: request.clockId };
  const clock = await getClock(tableName, key.incidentId, key.clockId);
  if (!clock) {
    // The step finished before the clock branch started: record it met; its start will see that and end.
    const stored = await putNewClock(tableName, {
      clockId: key.clockId,
      incidentId: key.incidentId,
      executionArn: request.executionArn,
      title: request.title ?? key.clockId,
      kind: request.kind ?? 'regulatory',
      status: 'met',
      metBy: request.stepId,
      metAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    if (stored.created) await record(request, 'clock.met', { clockId: key.clockId, ...(request.kind && { kind: request.kind }), ...(request.title && { title: request.title }), metBy: request.stepId, onTime: true });
    return { clockId: key.clockId };
  }
  if (clock.status === 'running') {
    const changed = await transitionClock(tableName, key, 'running', 'met', { metBy: request.stepId, metAt: at.toISOString(), updatedAt: at.toISOString() });
    if (changed) {
      const onTime = clock.deadlineAt === undefined || at.getTime() <= Date.parse(clock.deadlineAt);
      await record(request, 'clock.met', { clockId: key.clockId, title: clock.title, kind: clock.kind, metBy: request.stepId, deadlineAt: clock.deadlineAt, onTime }, at.toISOString());
      return { clockId: key.clockId };
    }
  }
  if (clock.status === 'not-applicable') {
    // Not started (its severity did not call for it): kept, so that a later raise does not start a clock already met.
    await markMetWhileNotApplicable(tableName, key, request.stepId, at.toISOString());
    return { clockId: key.clockId };
  }
  const current = await getClock(tableName, key.incidentId, key.clockId);
  if (current?.status === 'missed') {
    // Done, but after the deadline: the trail says when, beside the miss it already holds.
    await record(request, 'clock.met', { clockId: key.clockId, title: current.title, metBy: request.stepId, deadlineAt: current.deadlineAt, onTime: false, missedAt: current.missedAt }, at.toISOString());
  }
  return { clockId: key.clockId };
}

/**
 * A clock not applicable at the start: its branch waits on this token until a raise of the severity starts it
 * (functions/aws/severity-raise.ts answers with the plan), or until the steps beside it finish. A raise that came
 * between the start and this step started the clock already: the branch carries on with that plan at once.
 */
async function awaitRaise(request: Extract<Request, { action: 'await-raise' }>): Promise<{ clockId: string }> {
  const key = { incidentId: request.incidentId, clockId: request.clockId };
  if (await keepArmToken(tableName, key, request.taskToken)) return { clockId: request.clockId };
  const clock = await getClock(tableName, key.incidentId, key.clockId);
  if (clock?.armedPlan !== undefined) await answerWaitingRun(request.taskToken, JSON.stringify({ plan: clock.armedPlan }));
  return { clockId: request.clockId };
}

async function stop(request: Extract<Request, { action: 'stop' }>): Promise<{ clockId: string }> {
  const at = new Date().toISOString();
  const key = { incidentId: request.incidentId, clockId: request.clockId };
  if (await transitionClock(tableName, key, 'running', 'stopped', { stoppedAt: at, updatedAt: at })) {
    await record(request, 'clock.stopped', { clockId: request.clockId, reason: request.reason }, at);
  }
  return { clockId: request.clockId };
}
