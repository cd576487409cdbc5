import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { endRestoreWait, restoreWaitOf } from '../aws/drill/restore-waits.js';
import { logger } from '../aws/powertools.js';
import { RestoreJobEndedEvent } from '../domain/drill/restore-job-event.js';
import { parsePayload } from '../domain/schema-issues.js';

const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');

export type RestoreWaitOutcome = { readonly outcome: 'not-waited-on' | 'answered' | 'already-ended'; readonly restoreJobId: string };

/**
 * EventBridge target of the drill-restore-jobs-ended rule: AWS Backup says a restore job ended; the drill waiting on
 * it (if any: most jobs are not irdr's) is woken with its token. Its next step reads the job itself. A malformed event
 * throws: EventBridge retries it, then leaves it in the rule's dead-letter queue.
 */
export const handler = async (payload: unknown, context: Context): Promise<RestoreWaitOutcome> => {
  logger.addContext(context);
  const { detail } = parsePayload(RestoreJobEndedEvent, payload, 'an AWS Backup Restore Job State Change');
  const wait = await restoreWaitOf(deduplicationTableName, detail.restoreJobId);
  if (!wait) {
    logger.info('restore job ended, no drill waits on it', { restoreJobId: detail.restoreJobId, status: detail.status });
    return { outcome: 'not-waited-on', restoreJobId: detail.restoreJobId };
  }
  const outcome = await endRestoreWait(wait, { restoreJobId: detail.restoreJobId, status: detail.status, seenBy: 'event' });
  logger.info('restore wait ended', { restoreJobId: detail.restoreJobId, runId: wait.runId, status: detail.status, outcome });
  return { outcome, restoreJobId: detail.restoreJobId };
};
