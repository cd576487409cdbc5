import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { listClocks, transitionClock } from './clock-store.js';
import { appendEvent } from './event-trail.js';
import { cancelTask, listTasks } from './human-task-store.js';
import { cancelRunbookStatus } from './incident-store.js';
import { logger } from './powertools.js';
import { stepFunctions } from './sfn-client.js';
import type { Incident } from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';

export const CANCELLED_ON_RESOLVE = 'the incident was resolved';

export type RunClosing =
  | { readonly outcome: 'cancelled'; readonly cancelledTasks: readonly string[]; readonly stoppedClocks: readonly string[] }
  /**
   * The run goes on: a regulatory clock still runs (no notification deadline is dropped by resolving), no review
   * opens on resolve (the run's own review, if it has one, stays the review), or the run waits only for its review.
   */
  | { readonly outcome: 'kept-running'; readonly reason: string; readonly regulatoryClocks?: readonly string[] }
  | { readonly outcome: 'not-running' };

/**
 * On resolve, the run ends with the incident: its execution is stopped (StopExecution), its open tasks are
 * cancelled and its running SLA clocks stopped, each recorded on the trail, so nobody is asked or escalated to
 * about a resolved incident; the review opened on resolve is the review. The run goes on untouched (the trail says
 * so and why) while a regulatory clock runs (a notification may still be owed), when no review opens on resolve at the
 * incident's severity (the run's own review stays the review), or when it already waits only for its review.
 */
export async function closeRunOnResolve(
  tableName: string,
  incident: Incident,
  at: string,
  actor: string,
  options: { readonly reviewOpens: boolean },
): Promise<RunClosing> {
  const pk = incidentPk(incident.incidentId);
  if (incident.runbookStatus !== 'starting' && incident.runbookStatus !== 'running') return { outcome: 'not-running' };
  const runningClocks = (await listClocks(tableName, incident.incidentId)).filter((clock) => clock.status === 'running');
  const regulatory = runningClocks.filter((clock) => clock.kind === 'regulatory').map((clock) => clock.clockId);
  const openRunTasks = (await listTasks(tableName, incident.incidentId)).filter((task) => task.status === 'open' && task.taskToken !== undefined);
  const keptBecause =
    regulatory.length > 0
      ? 'a regulatory clock still runs: the run and its tasks go on until it is met or missed'
      : !options.reviewOpens
        ? "no review opens on resolve at this severity: the run's own post-incident review, if it has one, stays the review"
        : openRunTasks.length > 0 && openRunTasks.every((task) => task.completedBy === 'post-incident-review')
          ? 'the run waits only for its post-incident review, which the review opened on resolve completes'
          : undefined;
  if (keptBecause !== undefined) {
    await appendEvent(tableName, pk, {
      type: 'runbook.kept-running',
      at,
      actor,
      detail: { executionArn: incident.executionArn, reason: keptBecause, ...(regulatory.length > 0 && { regulatoryClocks: regulatory }) },
    });
    return { outcome: 'kept-running', reason: keptBecause, ...(regulatory.length > 0 && { regulatoryClocks: regulatory }) };
  }
  // Marked first: the run-ended rule then finds it recorded, not aborted.
  if (!(await cancelRunbookStatus(tableName, incident.incidentId, at))) return { outcome: 'not-running' };
  const stopped = incident.executionArn === undefined ? 'no execution' : await stopExecution(incident.executionArn, actor);
  await appendEvent(tableName, pk, {
    type: 'runbook.cancelled',
    at,
    actor,
    detail: { executionArn: incident.executionArn, reason: CANCELLED_ON_RESOLVE, ...(stopped !== 'stopped' && { stop: stopped }) },
  });
  const cancelledTasks: string[] = [];
  for (const task of openRunTasks) {
    if (!(await cancelTask(tableName, { incidentId: task.incidentId, taskId: task.taskId }, at, CANCELLED_ON_RESOLVE))) continue;
    cancelledTasks.push(task.taskId);
    await appendEvent(tableName, pk, { type: 'task.cancelled', at, actor, stepId: task.stepId, detail: { taskId: task.taskId, kind: task.kind, title: task.title, reason: CANCELLED_ON_RESOLVE } });
  }
  const stoppedClocks: string[] = [];
  for (const clock of runningClocks) {
    if (!(await transitionClock(tableName, { incidentId: incident.incidentId, clockId: clock.clockId }, 'running', 'stopped', { stoppedAt: at, updatedAt: at }))) continue;
    stoppedClocks.push(clock.clockId);
    await appendEvent(tableName, pk, { type: 'clock.stopped', at, actor, detail: { clockId: clock.clockId, reason: CANCELLED_ON_RESOLVE } });
  }
  return { outcome: 'cancelled', cancelledTasks, stoppedClocks };
}

/** Stops the execution; one that already ended is fine. A failure is recorded, not thrown: the resolution stands. */
async function stopExecution(executionArn: string, actor: string): Promise<string> {
  try {
    await stepFunctions.send(new StopExecutionCommand({ executionArn, error: 'IncidentResolved', cause: `${CANCELLED_ON_RESOLVE} by ${actor}` }));
    return 'stopped';
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return 'the execution no longer exists';
    logger.error('could not stop the run of a resolved incident', { executionArn, error: error as Error });
    return `StopExecution failed: ${(error as Error).name}`;
  }
}
