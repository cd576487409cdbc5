import { irdrConfig } from '../config.js';
import type { DrillExecutionState } from '../domain/drill/run.js';
import type { DrillRunRecord } from '../domain/drill/run-record.js';
import { drillReportChannel, drillReportMessage } from '../domain/slack-drill-report.js';
import { recordDrillEvent } from './drill/drill-step.js';
import { logger } from './powertools.js';
import { slackClient } from './slack-client.js';

/**
 * Posts the drill's report to the drills channel and records `drill.report.slack.posted` (channel, ts) in the run's
 * trail; when Slack cannot be told (after the client's retries), records `drill.report.slack.failed` and never throws:
 * the emailed report is the one that counts, and a Slack outage never fails a drill.
 */
export async function postDrillReportToSlack(state: DrillExecutionState, run: DrillRunRecord, planTitle: string, runUrl: string): Promise<void> {
  const config = irdrConfig.slack;
  if (!config) return;
  const channel = drillReportChannel(config);
  try {
    const client = await slackClient();
    const message = drillReportMessage(run, planTitle, runUrl);
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never });
    await recordDrillEvent(state, 'drill.report.slack.posted', { channel: posted.channel ?? channel, ts: posted.ts });
  } catch (error) {
    const failure = error as Error & { data?: { error?: string } };
    const reason = `${failure.name}: ${failure.data?.error ?? failure.message}`;
    logger.warn('drill report not posted to Slack', { runId: run.runId, reason });
    await recordDrillEvent(state, 'drill.report.slack.failed', { channel, error: reason.slice(0, 500) }).catch((recordError: unknown) =>
      logger.error('could not record that Slack was not told of the drill report', { runId: run.runId, error: recordError as Error }),
    );
  }
}
