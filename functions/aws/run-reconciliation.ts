import { DRILL_RUN_TAG } from '../domain/drill-naming.js';
import { DIGEST_LOOKBACK_DAYS } from '../domain/evidence/digest.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import { getRun, updateRun } from './drill/drill-run-store.js';
import { cleanUpRestoredTable } from './drill/restored-table.js';
import { describeTableIfExists } from './drill/target-table.js';
import type { DrillRunRecord } from '../domain/drill/run-record.js';
import type { RestoreHandle } from '../domain/drill/restore.js';
import { appendEvent } from './event-trail.js';
import { updateRunbookStatus } from './incident-store.js';
import { queryMonthIndex } from './month-index.js';
import { irdrConfig } from '../config.js';
import type { Incident } from '../domain/incident.js';
import { regulatoryCatalog } from '../domain/regulatory-stages.js';
import { remindersOwed, type ReminderToRestart } from '../domain/reminder-restart.js';
import { listActions } from './corrective-action-store.js';
import { listTasks } from './human-task-store.js';


/** The records reconciliation looks at: those opened within the digests' lookback, up to now. */
const lookback = (now: Date) => ({
  from: new Date(now.getTime() - DIGEST_LOOKBACK_DAYS * 86_400_000).toISOString(),
  to: new Date(now.getTime() + 60_000).toISOString(),
});

export interface RunInFlight {
  readonly kind: 'incident' | 'drill-run';
  readonly id: string;
  readonly executionArn?: string;
}

/** Incidents whose runbook and drill runs that say they are still running, opened within the lookback (month index). */
export async function findRunsInFlight(tableName: string, now: Date): Promise<RunInFlight[]> {
  const { from, to } = lookback(now);
  const found: RunInFlight[] = [];
  for (const kind of ['INCIDENT', 'DRILLRUN'] as const) {
    const filter =
      kind === 'INCIDENT'
        ? { expression: '#state IN (:starting, :running)', names: { '#state': 'runbookStatus' }, values: { ':starting': 'starting', ':running': 'running' } }
        : { expression: '#state = :running', names: { '#state': 'status' }, values: { ':running': 'running' } };
    for await (const item of queryMonthIndex({ tableName, kind, from, to, filter })) {
      found.push({
        kind: kind === 'INCIDENT' ? 'incident' : 'drill-run',
        id: String(kind === 'INCIDENT' ? item.incidentId : item.runId),
        ...(typeof item.executionArn === 'string' && { executionArn: item.executionArn }),
      });
    }
  }
  return found;
}

/** The reminders the incidents of the lookback still owe (reviews, corrective actions, report stages): docs/corrective-actions.md. */
export async function findRemindersOwed(tableName: string, now: Date): Promise<ReminderToRestart[]> {
  const { from, to } = lookback(now);
  const catalog = regulatoryCatalog(irdrConfig.regulatory);
  const owed: ReminderToRestart[] = [];
  for await (const item of queryMonthIndex({ tableName, kind: 'INCIDENT', from, to })) {
    const incidentId = String(item.incidentId);
    const [tasks, actions] = await Promise.all([listTasks(tableName, incidentId), listActions(tableName, incidentId)]);
    owed.push(...remindersOwed({ incidentId, status: item.status as Incident['status'] }, tasks, actions, catalog));
  }
  return owed;
}

/**
 * Marks a run whose execution is gone as aborted, with a chained event saying why, so it is never silently lost. A drill
 * run's restored table is cleaned up by the same guard as its cleanup step: only a table this run made is deleted.
 */
export async function abortRun(tableName: string, run: RunInFlight, reason: string, actor: string, now: Date = new Date()): Promise<void> {
  const at = now.toISOString();
  if (run.kind === 'incident') {
    await updateRunbookStatus(tableName, run.id, { runbookStatus: 'aborted', updatedAt: at });
    await appendEvent(tableName, incidentPk(run.id), { type: 'runbook.aborted', at, actor, detail: { reason, ...(run.executionArn !== undefined && { executionArn: run.executionArn }) } });
    return;
  }
  const record = await getRun(tableName, run.id);
  const cleanup = record ? await cleanUpAbortedRun(record) : undefined;
  await updateRun(tableName, run.id, {
    status: 'failed',
    endedAt: at,
    reasons: [`aborted: ${reason}`],
    ...(cleanup && { cleanup }),
    updatedAt: at,
  });
  await appendEvent(tableName, drillRunPk(run.id), { type: 'drill.aborted', at, actor, detail: { reason, ...(run.executionArn !== undefined && { executionArn: run.executionArn }), ...(cleanup && { cleanup }) } });
}

const CLEANUP_LOOKS = 60;

/** The aborted run's restored table, deleted by the cleanup guard once it is deletable (bounded wait). */
async function cleanUpAbortedRun(record: DrillRunRecord): Promise<NonNullable<DrillRunRecord['cleanup']> | undefined> {
  const { restoreTableName, sourceTableName } = record;
  // A restore testing job made it (under AWS Backup's name, not the drill prefix): AWS Backup deletes it, not the guard.
  if (record.trigger === 'restore-testing') {
    return { status: 'LEFT_TO_AWS_BACKUP', reason: `${record.restoredName ?? 'what the restore testing job made'} is AWS Backup's to delete when the job's validation window ends`, deletedExtras: [] };
  }
  if (record.source && record.source.type !== 'DynamoDB' && record.restoredName) {
    // Only the drill's own cleanup step knows the restore job (and so the resource it made): say what to delete.
    return { status: 'CLEANUP_FAILED', reason: `the aborted run restored a ${record.source.type} named ${record.restoredName} (tag ${DRILL_RUN_TAG}=${record.runId}): delete it by hand`, deletedExtras: [] };
  }
  if (!restoreTableName || !sourceTableName) return { status: 'NOTHING_CREATED', deletedExtras: [] };
  // The restore that should have made the table: lets the guard claim one the run never got to tag.
  const source = await describeTableIfExists(sourceTableName);
  const handle: RestoreHandle | undefined =
    record.driver && record.recoveryPoint && source?.TableArn
      ? {
          driver: record.driver as RestoreHandle['driver'],
          source: { type: 'DynamoDB', arn: source.TableArn, name: sourceTableName },
          restored: { type: 'DynamoDB', name: restoreTableName },
          startedAt: record.restore?.startedAt ?? record.startedAt,
          phase: 'restoring',
          recoveryPoint: record.recoveryPoint,
        }
      : undefined;
  for (let look = 1; ; look += 1) {
    const result = await cleanUpRestoredTable({ tableName: restoreTableName, runId: record.runId, sourceTableName, planId: record.planId, ...(handle && { handle }) });
    if (result.status === 'DELETED' || result.status === 'NOT_FOUND') return { status: result.status, tableName: restoreTableName, deletedExtras: [] };
    if (result.status === 'REFUSED') return { status: 'CLEANUP_REFUSED', tableName: restoreTableName, reason: result.reason ?? 'refused', deletedExtras: [] };
    if (look >= CLEANUP_LOOKS) return { status: 'CLEANUP_FAILED', tableName: restoreTableName, reason: result.reason ?? 'never became deletable', deletedExtras: [] };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
