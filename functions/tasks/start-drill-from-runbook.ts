import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import * as z from '../domain/zod.js';
import { derivedUuid } from '../domain/derived-id.js';
import type { DrillExecutionInput } from '../domain/drill/run.js';
import { IncidentMode } from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';
import { StepContext, stepActor } from '../domain/runbook-step.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { logger } from '../aws/powertools.js';
import { stepFunctions } from '../aws/sfn-client.js';

const tableName = requireEnvironment('TABLE_NAME');
const drillStateMachineArn = requireEnvironment('DRILL_STATE_MACHINE_ARN');

const StartDrillTask = z.extend(StepContext, { drillPlanId: z.string().check(z.minLength(1)), event: z.string().check(z.minLength(1)), mode: IncidentMode });

/**
 * Runbook step `start-drill` (e.g. ransomware recovery): starts the plan's restore drill for this incident, under a
 * run id derived from the run and step (a retried step starts nothing new: StartExecution with the same name and input
 * is idempotent), and records the drill run in the incident's trail. An exercise records the drill it would start.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ runId?: string }> => {
  logger.addContext(context);
  const task = StartDrillTask.parse(payload);
  const actor = stepActor(task.executionArn);
  if (task.mode === 'exercise') {
    await appendEvent(tableName, incidentPk(task.incidentId), {
      type: `${task.event}.skipped`,
      at: new Date().toISOString(),
      actor,
      stepId: task.stepId,
      detail: { planId: task.drillPlanId, reason: 'an exercise does not start a real restore drill' },
    });
    return {};
  }
  const runId = derivedUuid('irdr-runbook-drill', task.executionArn, task.stepId);
  const input: DrillExecutionInput = { planId: task.drillPlanId, trigger: 'runbook', requestedBy: `incident:${task.incidentId}` };
  const started = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: drillStateMachineArn, name: runId, input: JSON.stringify(input) }));
  await appendEvent(tableName, incidentPk(task.incidentId), {
    type: task.event,
    at: new Date().toISOString(),
    actor,
    stepId: task.stepId,
    detail: { planId: task.drillPlanId, runId, executionArn: started.executionArn, run: `/drill-runs/${runId}` },
  });
  logger.info('drill started for the incident', { incidentId: task.incidentId, planId: task.drillPlanId, runId });
  return { runId };
};
