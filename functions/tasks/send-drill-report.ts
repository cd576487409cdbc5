import { irdrConfig } from '../config.js';
import { renderDrillReport } from '../domain/drill/report-email.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillRecipients, sendAndRecordDrillEmail } from '../aws/drill/drill-mail.js';
import { getRun, updateRun } from '../aws/drill/drill-run-store.js';
import { drillStepHandler } from '../aws/drill/drill-step.js';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { postDrillReportToSlack } from '../aws/slack-drill-report.js';

const tableName = requireEnvironment('TABLE_NAME');

export class DrillReportNotSent extends Error {
  override name = 'DrillReportNotSent';
}

/** Drill step 7: emails the report to the plan's owner and recipients (and posts it to Slack's drills channel), and records that it did (or why not). */
export const handler = drillStepHandler('report', async (state): Promise<{ sentTo: string[]; messageId: string }> => {
  const run = await getRun(tableName, state.runId);
  if (!run) throw new Error(`no record of drill run ${state.runId}`);
  const plan = bundledDrillPlans().find((candidate) => candidate.id === state.input.planId);
  const to = plan ? drillRecipients(plan) : [...(irdrConfig.roles.commander?.emails ?? [])];
  const runUrl = `${requireEnvironment('API_URL').replace(/\/$/, '')}/drill-runs/${encodeURIComponent(run.runId)}`;
  const email = renderDrillReport(run, { planTitle: plan?.title ?? run.planId, controls: plan?.controls ?? [], recipients: to, runUrl });
  const outcome = await sendAndRecordDrillEmail(state, 'drill.report', to, email);
  // Slack after the email, never instead: it records its own outcome and never throws.
  await postDrillReportToSlack(state, run, plan?.title ?? run.planId, runUrl);
  if (!outcome.sent) throw new DrillReportNotSent(`the drill report to ${to.join(', ')} was not sent: ${outcome.error}`);
  const sentAt = new Date().toISOString();
  await updateRun(tableName, run.runId, { report: { sentTo: to, messageId: outcome.messageId, sentAt }, updatedAt: sentAt });
  return { sentTo: to, messageId: outcome.messageId };
});
