/**
 * A typical run of each built-in runbook: every task completed as soon as it opens, each approval decided so the run
 * takes its usual branch. Used by the typical-runs test and by the transition and cost benchmarks.
 */
export const typicalRuns = [
  { runbookId: 'triage-notify', severity: 'SEV3', decide: () => 'approved' as const },
  { runbookId: 'security-incident', severity: 'SEV2', decide: () => 'approved' as const },
  // Notify the authority; no high risk to data subjects; no California residents affected.
  { runbookId: 'personal-data-breach', severity: 'SEV2', decide: (taskId: string) => (taskId === 'authority-notice-decision' ? ('approved' as const) : ('rejected' as const)) },
  { runbookId: 'credential-compromise', severity: 'SEV2', decide: () => 'approved' as const },
  { runbookId: 'ransomware', severity: 'SEV1', decide: () => 'approved' as const },
  { runbookId: 'dr-drill-failure', severity: 'SEV3', decide: () => 'approved' as const },
] as const;
