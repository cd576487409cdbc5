import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { requireEnvironment } from '../aws/environment.js';
import { classifyIncident, startReportsAtOpening } from '../aws/incident-classification.js';
import { logger } from '../aws/powertools.js';
import { ClassificationLabel } from '../domain/regulatory-stages.js';
import { StepContext, stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

export const StartReportsPayload = StepContext.extend({
  /** Classify the incident so, as the approval just decided (e.g. `material`: the SEC materiality determination). */
  classifyAs: ClassificationLabel.optional(),
  input: z.looseObject({
    labels: z.record(z.string(), z.string()).optional(),
    decision: z.looseObject({ outcome: z.string(), decidedBy: z.string().min(1), decidedAt: z.iso.datetime({ offset: true }), comment: z.string().optional() }).optional(),
  }),
});

/**
 * Runbook step (`handler: start-reports`): the regulatory report stages (docs/regulatory-stages.md) are the one source
 * of every regulatory deadline, and this step starts them from the run. Without `classifyAs`: the reports of the
 * classification labels the incident was opened with. With it: the approval before it is the determination (its
 * approver, its time), and the incident is classified so, as a commander's classification would, unless it already is.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ taskIds: string[] }> => {
  logger.addContext(context);
  const request = StartReportsPayload.parse(payload);
  const actor = stepActor(request.executionArn);
  if (request.classifyAs === undefined) return { taskIds: await startReportsAtOpening(tableName, request.incidentId, request.input.labels, actor) };

  const decision = request.input.decision;
  if (decision === undefined || decision.outcome !== 'approved') throw new Error(`step ${request.stepId}: classifyAs ${request.classifyAs} follows an approval, and none was approved before it`);
  const classify = () =>
    classifyIncident(
      tableName,
      request.incidentId,
      {
        add: [request.classifyAs!],
        remove: [],
        reason: `determined by ${decision.decidedBy} in runbook step ${request.stepId}${decision.comment ? `: ${decision.comment}` : ''}`,
        ...(request.classifyAs === 'material' && { determinedAt: decision.decidedAt }),
      },
      { principal: decision.decidedBy, roles: [], decidedInStep: request.stepId },
    );
  let result = await classify();
  // Changed meanwhile (a note, an acknowledgement): read again, once.
  if (!result.ok && result.status === 409 && result.message.startsWith('the incident changed')) result = await classify();
  if (result.ok) return { taskIds: [...result.taskIds] };
  // Classified so already (a commander first): its reports started then; nothing more to start.
  if (result.status === 409 && result.message.includes('already classified')) return { taskIds: [] };
  throw new Error(`step ${request.stepId}: ${result.message}`);
};
