import { derivedUuid } from '../derived-id.js';
import type { CreateIncidentRequest } from '../incident.js';

/** The incident a failed run opens, named from the run so a retried step finds it instead of opening a second. */
export const failureIncidentIdFor = (runId: string): string => derivedUuid('irdr-drill-failure', runId);

/** What the failure runbook is opened with. */
export function failureIncidentRequest(
  plan: { readonly id: string; readonly title: string; readonly failureRunbookId: string },
  run: { readonly runId: string; readonly startedAt: string },
  reasons: readonly string[],
): CreateIncidentRequest {
  return {
    runbookId: plan.failureRunbookId,
    title: `Restore drill failed: ${plan.title}`.slice(0, 200),
    severity: 'SEV3',
    summary: `Drill ${plan.id}, run ${run.runId} (started ${run.startedAt}) failed:\n${reasons.map((reason) => `- ${reason}`).join('\n')}`.slice(0, 4000),
    source: 'irdr restore drill',
    detectedAt: run.startedAt,
    labels: { drillPlanId: plan.id, drillRunId: run.runId },
    mode: 'live',
  };
}
