import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { endRestoreWait, restoreWaitOf } from '../aws/drill/restore-waits.js';
import { logger } from '../aws/powertools.js';
import { RdsRestoreEndedEvent, rdsRestoreEndStatus } from '../domain/drill/rds-restore-event.js';
import { RestoreJobEndedEvent, type RestoreWaitAnswer } from '../domain/drill/restore-job-event.js';
import { parsePayload } from '../domain/schema-issues.js';

const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');

export type RestoreWaitOutcome = { readonly outcome: 'not-waited-on' | 'answered' | 'already-ended'; readonly awaited: string };

/** What ended, from either rule's event: AWS Backup's restore job state change, or RDS's instance or cluster event. */
function endOf(payload: unknown): Omit<RestoreWaitAnswer, 'seenBy'> {
  if ((payload as { source?: unknown } | null)?.source === 'aws.rds') {
    const event = parsePayload(RdsRestoreEndedEvent, payload, 'an RDS DB Instance or DB Cluster Event');
    return { awaited: event.detail.SourceArn, status: rdsRestoreEndStatus(event), ...(event.detail.Date !== undefined && { announcedAt: event.detail.Date }) };
  }
  const { detail } = parsePayload(RestoreJobEndedEvent, payload, 'an AWS Backup Restore Job State Change');
  return { awaited: detail.restoreJobId, status: detail.status, ...(detail.completionDate !== undefined && { announcedAt: detail.completionDate }) };
}

/**
 * EventBridge target of the drill-restore-jobs-ended and drill-databases-restored rules: AWS Backup says a restore job
 * ended, or RDS that a database was made, restored or failed; the drill waiting on it (if any: most are not irdr's) is
 * woken with its token. Its next step reads the job or database itself. A malformed event throws: EventBridge retries
 * it, then leaves it in the rule's dead-letter queue.
 */
export const handler = async (payload: unknown, context: Context): Promise<RestoreWaitOutcome> => {
  logger.addContext(context);
  const ended = endOf(payload);
  const { awaited, status } = ended;
  const wait = await restoreWaitOf(deduplicationTableName, awaited);
  if (!wait) {
    logger.info('restore ended, no drill waits on it', { awaited, status });
    return { outcome: 'not-waited-on', awaited };
  }
  const outcome = await endRestoreWait(wait, { ...ended, seenBy: 'event' });
  logger.info('restore wait ended', { awaited, runId: wait.runId, status, outcome });
  return { outcome, awaited };
};
