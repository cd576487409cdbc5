import { createHash } from 'node:crypto';
import type { CreateIncidentRequest } from '../incident.js';

/** The incident a failed run opens, named from the run so a retried step finds it instead of opening a second. */
export function failureIncidentIdFor(runId: string): string {
  const hex = createHash('sha256').update(`irdr-drill-failure:${runId}`).digest('hex');
  // UUID layout, version 8 (custom) and the RFC 9562 variant, like the API's incident ids.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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
