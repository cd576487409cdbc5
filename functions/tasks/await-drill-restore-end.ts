import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { readRestoreHandle } from '../domain/drill/restore.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillStepHandler } from '../aws/drill/drill-step.js';
import { endRestoreWait, restoreJobEndStatus, storeRestoreWait } from '../aws/drill/restore-waits.js';

const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');
const TaskTokenOf = z.object({ taskToken: z.string().min(1) });

/**
 * Drill step 3, waiting by event (`.waitForTaskToken`): keeps this wait's token under the restore job's id for the
 * job's end event, then looks at the job once, and ends the wait itself if the job ended before the token was kept
 * (an event that came first found no wait). Its return value is ignored: the wait ends by SendTask*, or times out.
 */
export const handler = (event: unknown, context: Context) => {
  const { taskToken } = TaskTokenOf.parse(event);
  return drillStepHandler('restore-wait', async (state) => {
    const restore = state.restore;
    const restoreJobId = restore ? readRestoreHandle(restore.handle).restoreJobId : undefined;
    if (!restore || !restoreJobId) throw new Error('no AWS Backup restore job to wait for ($.restore.handle.restoreJobId)');
    const wait = { restoreJobId, runId: state.runId, taskToken };
    await storeRestoreWait(deduplicationTableName, wait, restore.nextWaitSeconds);
    const status = await restoreJobEndStatus(restoreJobId);
    if (status === undefined) return { waiting: restoreJobId };
    return { waiting: restoreJobId, ended: await endRestoreWait(wait, { restoreJobId, status, seenBy: 'look' }) };
  })(event, context);
};
