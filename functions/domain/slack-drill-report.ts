import type { DrillRunRecord } from './drill/run-record.js';
import type { SlackConfig } from './slack-config.js';
import { slackText } from './slack-text.js';

/** Where drill reports go: the drills channel when configured, else the default one. */
export function drillReportChannel(config: SlackConfig): string {
  return config.channels.drills ?? config.channels.default;
}

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

/**
 * A drill run's report as one Slack message: verdict, RTO and RPO against their targets, the checks that failed (expected
 * vs actual), cleanup, and the run's link. Evidence never flatters: a run that did not pass says so first.
 */
export function drillReportMessage(run: DrillRunRecord, planTitle: string, runUrl: string): { text: string; blocks: unknown[] } {
  const verdict = run.status === 'passed' ? 'PASSED' : run.status.toUpperCase();
  const text = slackText(`Drill ${verdict}: ${planTitle} (run ${run.runId})`, 300);
  const facts = [
    `RTO ${run.rtoSeconds !== undefined ? minutes(run.rtoSeconds) : 'not achieved'}${run.targets ? ` (target ${run.targets.rtoMinutes} min)` : ''}`,
    `RPO ${run.rpo ? `${minutes(run.rpo.seconds)} by ${run.rpo.method}` : 'not measured'}${run.targets ? ` (target ${run.targets.rpoMinutes} min)` : ''}`,
    `checks ${(run.checks ?? []).filter((check) => check.passed).length} of ${(run.checks ?? []).length} passed`,
    `cleanup ${run.cleanup?.status ?? 'not recorded'}`,
  ];
  const failed = (run.checks ?? []).filter((check) => !check.passed).slice(0, 5);
  const lines = failed.map((check) => `• ${slackText(`${check.id}: expected ${check.expected}; actual ${check.actual}`, 280)}`);
  const reasons = (run.reasons ?? []).slice(0, 3).map((reason) => `• ${slackText(reason, 280)}`);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*\n${slackText(facts.join(' · '), 1000)}` } },
      ...(lines.length + reasons.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: [...reasons, ...lines].join('\n') } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${runUrl}|The run, every check and its trail>` }] },
    ],
  };
}
