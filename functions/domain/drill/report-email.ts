import { htmlDocument, textToHtml, type RenderedEmail } from '../email-content.js';
import { secondsBetween } from './achieved.js';
import { rpoOutcome, rtoOutcome, type RpoOutcome } from './objectives.js';
import type { DrillRunRecord } from './run-record.js';

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

const METHODS = { canary: 'measured by canary', 'recovery-point': 'estimated from the recovery point' } as const;

/** `RTO achieved: 4.2 min`, or `RTO NOT ACHIEVED: the restored data failed validation (…)`: never a time from data that failed. */
export function objectiveLine(name: 'RTO' | 'RPO', outcome: RpoOutcome): string {
  if (outcome.state === 'pending') return `${name}: not yet known (the drill is running)`;
  if (outcome.state === 'not-achieved') return `${name} NOT ACHIEVED: ${outcome.why}`;
  return `${name} achieved: ${minutes(outcome.seconds)}${outcome.method ? ` (${METHODS[outcome.method]})` : ''}`;
}

export interface DrillReportContext {
  readonly planTitle: string;
  readonly controls: readonly string[];
  readonly recipients: readonly string[];
  /** Where the run and its trail can be read (the API's drill-run URL). */
  readonly runUrl: string;
}

/** The drill report: pass or fail and why, RTO and RPO against targets, each check, cleanup, who is told, where the evidence is. */
export function renderDrillReport(run: DrillRunRecord, context: DrillReportContext): RenderedEmail {
  const passed = run.status === 'passed';
  const subject = `[irdr] Restore drill ${passed ? 'PASSED' : 'FAILED'}: ${context.planTitle}`;
  const targets = run.targets;
  const lines = [
    `Restore drill ${run.planId}, run ${run.runId}: ${passed ? 'PASSED' : 'FAILED'}`,
    `Started ${run.startedAt} (${run.trigger}${run.requestedBy ? ` by ${run.requestedBy}` : ''}), ended ${run.endedAt ?? 'now'}.`,
    '',
    ...(run.reasons && run.reasons.length > 0 ? ['Why it failed:', ...run.reasons.map((reason) => `  - ${reason}`), ''] : []),
    'Recovery objectives',
    `  ${objectiveLine('RTO', rtoOutcome(run))} (target ${targets ? `${targets.rtoMinutes} min` : 'unknown'})`,
    `  ${objectiveLine('RPO', rpoOutcome(run))} (target ${targets ? `${targets.rpoMinutes} min` : 'unknown'})`,
    ...(run.restore?.completedAt
      ? [`  Restore: ${run.restore.startedAt} to ${run.restore.completedAt} (${secondsBetween(run.restore.startedAt, run.restore.completedAt)} s), seen complete within ${run.restore.resolutionSeconds ?? 0} s, ${run.restore.looks} looks`]
      : []),
    ...(run.validation ? [`  Validation: ${run.validation.startedAt} to ${run.validation.completedAt} (${run.validation.seconds} s)`] : []),
    '',
    `Source: ${run.sourceTableName ?? (run.source ? `${run.source.type} ${run.source.name} (${run.source.arn})` : 'unknown')} (${run.driver ?? 'unknown driver'})`,
    `Recovery point: ${run.recoveryPoint ? `${run.recoveryPoint.at} (asked for ${run.recoveryPoint.requestedAt})` : 'none chosen'}`,
    `Restored into: ${run.restoreTableName ?? run.restoredName ?? 'nothing'}`,
    '',
    'Checks',
    ...(run.checks && run.checks.length > 0
      ? run.checks.map((check) => `  [${check.passed ? 'PASS' : 'FAIL'}] ${check.id} (${check.type}): expected ${check.expected}; found ${check.actual}`)
      : ['  none ran']),
    '',
    `Cleanup: ${run.cleanup ? `${run.cleanup.status}${run.cleanup.tableName ? ` ${run.cleanup.tableName}` : ''}${run.cleanup.reason ? ` (${run.cleanup.reason})` : ''}${run.cleanup.deletedExtras.length > 0 ? `; also deleted ${run.cleanup.deletedExtras.join(', ')}` : ''}` : 'did not run'}`,
    ...(run.failureIncidentId ? [`Failure incident: ${run.failureIncidentId} (the dr-drill-failure runbook is running)`] : []),
    ...(run.resolvedIncidentId ? [`Resolved the earlier failure incident ${run.resolvedIncidentId}: this run passed.`] : []),
    '',
    `Controls evidenced: ${context.controls.join(', ')}`,
    `Sent to: ${context.recipients.join(', ')}`,
    `Evidence: ${context.runUrl} (the run and its hash-chained trail; plan hash ${run.planHash ?? 'unknown'})`,
  ];
  const text = lines.join('\n');
  return { subject, text, html: htmlDocument(subject, textToHtml(text)) };
}

/** The alert when cleanup would not (or could not) delete what a drill restored. */
export function renderCleanupAlert(
  run: { readonly runId: string; readonly planId: string },
  cleanup: { readonly status: string; readonly tableName?: string; readonly reason?: string },
): RenderedEmail {
  const subject = `[irdr] ACTION NEEDED: drill cleanup ${cleanup.status} for ${cleanup.tableName ?? 'an unknown table'}`;
  const text = [
    `Drill ${run.planId}, run ${run.runId}: cleanup ended ${cleanup.status}.`,
    `Table: ${cleanup.tableName ?? 'unknown'}`,
    `Why: ${cleanup.reason ?? 'no reason given'}`,
    '',
    'Nothing was deleted. Check the table: if it is a copy this drill restored, delete it by hand; if it is not, find out why a drill named it.',
  ].join('\n');
  return { subject, text, html: htmlDocument(subject, textToHtml(text)) };
}
