import type { Context } from 'aws-lambda';
import * as z from '../domain/zod.js';
import { requireEnvironment } from '../aws/environment.js';
import { classifyIncident, startReportsAtOpening } from '../aws/incident-classification.js';
import { logger } from '../aws/powertools.js';
import { closeReportStages } from '../aws/report-stage-closing.js';
import { ClassificationLabel } from '../domain/regulatory-stages.js';
import { StepContext, stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

export const StartReportsPayload = z.extend(StepContext, {
  /** Classify the incident so, as the approval just decided (e.g. `material`: the SEC materiality determination). */
  classifyAs: z.optional(ClassificationLabel),
  /** Close this label's report as not owed, as the approval before it decided (rejected, with the reasons). */
  closesReportOf: z.optional(ClassificationLabel),
  input: z.looseObject({
    labels: z.optional(z.record(z.string(), z.string())),
    decision: z.optional(z.looseObject({ outcome: z.string(), decidedBy: z.string().check(z.minLength(1)), decidedAt: z.iso.datetime({ offset: true }), comment: z.optional(z.string()) })),
  }),
});

/**
 * Runbook step (`handler: start-reports`): the regulatory report stages (docs/regulatory-stages.md) are the one source
 * of every regulatory deadline, and this step starts them from the run. Without `classifyAs`: the reports of the
 * classification labels the incident was opened with. With it: the approval before it is the determination (its
 * approver, its time), and the incident is classified so, as a commander's classification would, unless it already is.
 * With it and no decision before it: the runbook is the classification (every incident on personal-data-breach is a
 * personal-data breach), made by the run. `closesReportOf` (handler close-reports): the rejected approval before it
 * found the report not owed, and its open stages are closed with the approver's reasons.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ taskIds: string[]; closedTaskIds?: string[] }> => {
  logger.addContext(context);
  const request = StartReportsPayload.parse(payload);
  const actor = stepActor(request.executionArn);
  const decision = request.input.decision;
  if (request.closesReportOf !== undefined) {
    if (decision === undefined || decision.outcome !== 'rejected') throw new Error(`step ${request.stepId}: close-reports follows an approval that rejected the report, and none was rejected before it`);
    const closedTaskIds = await closeReportStages(tableName, request.incidentId, request.closesReportOf, { ...decision, stepId: request.stepId }, actor);
    return { taskIds: [], closedTaskIds };
  }
  if (request.classifyAs === undefined) return { taskIds: await startReportsAtOpening(tableName, request.incidentId, request.input.labels, actor) };
  if (decision === undefined) return { taskIds: await classifyAsTheRunbook(request, request.classifyAs, actor) };

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

/**
 * The runbook classifies every incident it runs as `label` (no approval before the step): the labels it was opened
 * with start their reports first, then the run classifies it, unless it already carries the label (then its report
 * started from the labels, or from a commander's classification).
 */
async function classifyAsTheRunbook(request: z.infer<typeof StartReportsPayload>, label: ClassificationLabel, actor: string): Promise<string[]> {
  const opened = await startReportsAtOpening(tableName, request.incidentId, request.input.labels, actor);
  const classify = () =>
    classifyIncident(
      tableName,
      request.incidentId,
      { add: [label], remove: [], reason: `the runbook classifies every incident it runs as ${label} (step ${request.stepId})` },
      { principal: actor, roles: [], decidedInStep: request.stepId },
    );
  let result = await classify();
  if (!result.ok && result.status === 409 && result.message.startsWith('the incident changed')) result = await classify();
  if (result.ok) return [...opened, ...result.taskIds];
  if (result.status === 409 && result.message.includes('already classified')) return opened;
  throw new Error(`step ${request.stepId}: ${result.message}`);
}
