import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import { failureIncidentIdFor, failureIncidentRequest } from '../../domain/drill/failure-incident.js';
import { drillActor, type DrillExecutionState } from '../../domain/drill/run.js';
import { RunbookCatalog } from '../../domain/incident.js';
import { lifecycleTransitions, transitionChanges } from '../../domain/incident-lifecycle.js';
import { incidentPk } from '../../domain/keys.js';
import { requireEnvironment } from '../environment.js';
import { appendEvent } from '../event-trail.js';
import { openIncident } from '../incident-opening.js';
import { getIncident, IncidentAlreadyExistsError, transitionIncident } from '../incident-store.js';
import { getPlanState, putPlanState } from './drill-run-store.js';

const isOpen = (status: string | undefined): boolean => status === 'open' || status === 'acknowledged';

/**
 * A failed run: opens the plan's failure runbook, once per plan while the last one is still open (a further failure
 * is added to that incident's trail instead of paging people twice). Returns the incident id.
 */
export async function openOrAddToFailureIncident(tableName: string, state: DrillExecutionState, plan: DrillPlan, reasons: readonly string[]): Promise<string> {
  const actor = drillActor(state.executionArn);
  const standing = await getPlanState(tableName, plan.id);
  const openId = standing?.openFailureIncidentId;
  if (openId && openId !== failureIncidentIdFor(state.runId) && isOpen((await getIncident(tableName, openId))?.status)) {
    await appendEvent(tableName, incidentPk(openId), {
      type: 'dr-drill.failed-again',
      at: new Date().toISOString(),
      actor,
      detail: { planId: plan.id, runId: state.runId, reasons: [...reasons] },
    });
    return openId;
  }
  const incidentId = failureIncidentIdFor(state.runId);
  try {
    await openIncident({
      tableName,
      runbooks: RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG'))),
      request: failureIncidentRequest(plan, { runId: state.runId, startedAt: state.startedAt }, reasons),
      actor,
      incidentId,
    });
  } catch (error) {
    // A retried step: this run's incident is already open.
    if (!(error instanceof IncidentAlreadyExistsError)) throw error;
  }
  await putPlanState(tableName, { planId: plan.id, openFailureIncidentId: incidentId, failedRunId: state.runId, updatedAt: new Date().toISOString() });
  return incidentId;
}

/** A passing run resolves the failure incident the plan has open, if any, saying which run proved recovery. */
export async function resolveFailureIncident(tableName: string, state: DrillExecutionState, plan: DrillPlan): Promise<string | undefined> {
  const standing = await getPlanState(tableName, plan.id);
  const incidentId = standing?.openFailureIncidentId;
  if (!incidentId) return undefined;
  const actor = drillActor(state.executionArn);
  const incident = await getIncident(tableName, incidentId);
  const at = new Date().toISOString();
  if (incident && isOpen(incident.status)) {
    const transition = lifecycleTransitions.resolve;
    const changes = transitionChanges('resolve', incident, at, actor, { summary: `Restore drill run ${state.runId} of ${plan.id} passed` });
    const outcome = await transitionIncident(tableName, incidentId, { from: transition.from, to: transition.to, changes, updatedAt: at });
    if (outcome.outcome === 'changed') {
      await appendEvent(tableName, incidentPk(incidentId), {
        type: transition.eventType,
        at,
        actor,
        detail: { from: incident.status, to: transition.to, mode: incident.mode, ...changes, drillRunId: state.runId },
      });
    }
  }
  await putPlanState(tableName, { planId: plan.id, updatedAt: at });
  return incidentId;
}
