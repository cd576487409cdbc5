import type { Context } from 'aws-lambda';
import * as z from '../domain/zod.js';
import { awaitedOf } from '../domain/drill/restore.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillStepHandler } from '../aws/drill/drill-step.js';
import { endRestoreWait, restoreEndStatus, storeRestoreWait } from '../aws/drill/restore-waits.js';

const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');
const TaskTokenOf = z.object({ taskToken: z.string().check(z.minLength(1)) });

/**
 * Drill step 3, waiting by event (`.waitForTaskToken`): keeps this wait's token under what the restore's end event
 * names (the AWS Backup job's id, or the restored database's ARN), then looks once, and ends the wait itself if the
 * restore ended before the token was kept (an event that came first found no wait). Its return value is ignored: the
 * wait ends by SendTask*, or times out.
 */
export const handler = (event: unknown, context: Context) => {
  const { taskToken } = TaskTokenOf.parse(event);
  return drillStepHandler('restore-wait', async (state) => {
    const restore = state.restore;
    const awaited = restore ? awaitedOf(restore.handle) : undefined;
    if (!restore || !awaited) throw new Error('nothing to wait for: the restore handle names no restore job or restored database ($.restore.handle.awaited)');
    const wait = { awaited, runId: state.runId, taskToken };
    await storeRestoreWait(deduplicationTableName, wait, restore.nextWaitSeconds);
    const status = await restoreEndStatus(awaited);
    if (status === undefined) return { waiting: awaited };
    return { waiting: awaited, ended: await endRestoreWait(wait, { awaited, status, seenBy: 'look' }) };
  })(event, context);
};
