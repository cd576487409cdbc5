/** Key formats of the single-table design (see DESIGN.md, "Data"). */

const SEQ_WIDTH = 10;

/** Partition families of the evidence table: IAM grants writes per family (dynamodb:LeadingKeys, lib/evidence-table.ts). */
export const INCIDENT_PK_PREFIX = 'INC#';
export const DRILL_RUN_PK_PREFIX = 'DRILLRUN#';
export const DRILL_PLAN_PK_PREFIX = 'DRILL#';
/** Asynchronous evidence exports: each export's record and trail (EXPORT#<id>), and the period's running export (EXPORT#PERIOD#…). */
export const EXPORT_PK_PREFIX = 'EXPORT#';

export const incidentPk = (incidentId: string): string => `${INCIDENT_PK_PREFIX}${incidentId}`;
export const META_SK = 'META';
export const eventSk = (seq: number): string => `EVT#${String(seq).padStart(SEQ_WIDTH, '0')}`;
export const EVENT_SK_PREFIX = 'EVT#';
/** Sorts after every event's sort key (the widest seq), for ranges that run to a trail's end. */
export const LAST_EVENT_SK = `${EVENT_SK_PREFIX}${'9'.repeat(SEQ_WIDTH)}`;

/** GSI1 partition for one kind of record in one calendar month (UTC). */
export const monthPartition = (kind: 'INCIDENT' | 'DRILLRUN', at: string): string => `${kind}#${at.slice(0, 7)}`;
export const timeOrderedSk = (at: string, id: string): string => `${at}#${id}`;

/**
 * GSI1 partition of an incident's or drill run's events: all of a trail's events in the month its first was recorded
 * (`EVENTS#INCIDENT#2026-11`), so a period's evidence is read a page of events at a time rather than a Query per trail.
 * Other trails (an export's) are not indexed.
 */
export function trailEventsPartition(pk: string, firstEventAt: string): string | undefined {
  const kind = pk.startsWith(INCIDENT_PK_PREFIX) ? 'INCIDENT' : pk.startsWith(DRILL_RUN_PK_PREFIX) ? 'DRILLRUN' : undefined;
  return kind && trailEventsMonthPartition(kind, firstEventAt);
}
/** The events partition beside a month's records: `EVENTS#` before the records' own month partition (`INCIDENT#2026-11`). */
export const eventsPartitionOf = (recordsMonthPartition: string): string => `EVENTS#${recordsMonthPartition}`;
export const trailEventsMonthPartition = (kind: 'INCIDENT' | 'DRILLRUN', at: string): string => eventsPartitionOf(monthPartition(kind, at));
/** An event's GSI1 sort key: its trail, then its place in it, so each trail's events are together and in order. */
export const trailEventIndexSk = (pk: string, sk: string): string => `${pk}#${sk}`;

/** Every GSI1 month partition from `fromIso`'s month to `toIso`'s, newest first (a period's listing walks these). */
export function monthPartitionsNewestFirst(kind: 'INCIDENT' | 'DRILLRUN', fromIso: string, toIso: string): string[] {
  const partitions: string[] = [];
  const cursor = new Date(`${toIso.slice(0, 7)}-01T00:00:00.000Z`);
  const first = fromIso.slice(0, 7);
  while (cursor.toISOString().slice(0, 7) >= first) {
    partitions.push(monthPartition(kind, cursor.toISOString()));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return partitions;
}

/**
 * Idempotency records (Powertools idempotency, in the deduplication table): one partition per operation,
 * the sort key is Powertools' `<prefix>#<hash of the caller and the Idempotency-Key>`.
 */
export const IDEMPOTENCY_PK_PREFIX = 'IDEM#';
export const idempotencyPk = (operation: string): string => `${IDEMPOTENCY_PK_PREFIX}${operation}`;
/** The prefix Powertools puts before the hash in the sort key. */
export const IDEMPOTENCY_KEY_PREFIX = 'IDEM';

/** Human tasks of an incident (`INC#<id>` partition): one item per waiting step, holding its task token. */
export const TASK_SK_PREFIX = 'TASK#';
export const taskSk = (taskId: string): string => `${TASK_SK_PREFIX}${taskId}`;
/** Deadline clocks of an incident (`INC#<id>` partition): running, met, missed or stopped. */
export const CLOCK_SK_PREFIX = 'CLOCK#';
export const clockSk = (clockId: string): string => `${CLOCK_SK_PREFIX}${clockId}`;

/** A security finding that opened an incident (`FINDING#<finding ARN or id>`, `META`, in the deduplication table): what deduplicates findings. */
export const FINDING_PK_PREFIX = 'FINDING#';
/** Compliance platform pushes (deduplication table): PUSH#<key> per push, PUSH#PENDING the queue of subjects to retry. */
export const PUSH_PK_PREFIX = 'PUSH#';
export const findingPk = (dedupKey: string): string => `${FINDING_PK_PREFIX}${dedupKey}`;

/** A drill run: its record (`META`) and its hash-chained trail (`EVT#…`), like an incident's. */
export const drillRunPk = (runId: string): string => `${DRILL_RUN_PK_PREFIX}${runId}`;
/** A drill plan's standing state (`DRILL#<planId>`, `STATE`): the failure incident its runs left open, if any. */
export const drillPlanPk = (planId: string): string => `${DRILL_PLAN_PK_PREFIX}${planId}`;
export const DRILL_PLAN_STATE_SK = 'STATE';
/** Corrective actions of an incident (`INC#<id>` partition): open or closed, each with its owner and due date. */
export const ACTION_SK_PREFIX = 'ACTION#';
export const actionSk = (actionId: string): string => `${ACTION_SK_PREFIX}${actionId}`;

/**
 * A drill waiting for its restore to end (`RESTOREWAIT#<awaited>`, `TOKEN`, in the deduplication table, expiring):
 * the task token the end event answers; `awaited` is the AWS Backup restore job id, or the restored RDS database's
 * ARN. Not evidence; the run's trail records the restore.
 */
export const RESTORE_WAIT_PK_PREFIX = 'RESTOREWAIT#';
export const restoreWaitPk = (awaited: string): string => `${RESTORE_WAIT_PK_PREFIX}${awaited}`;
export const RESTORE_WAIT_SK = 'TOKEN';

/**
 * Counts of a drill's source taken by the canary writer at known times (`SOURCECOUNT#<planId>#<checkId>`, in the
 * deduplication table): `RUNNING` while a count carries on from tick to tick, `AT#<completedAt>` for each finished
 * one. An item-count with `baseline: counted` is held to the newest finished before the recovery point.
 */
export const SOURCE_COUNT_PK_PREFIX = 'SOURCECOUNT#';
export const sourceCountPk = (planId: string, checkId: string): string => `${SOURCE_COUNT_PK_PREFIX}${planId}#${checkId}`;
export const SOURCE_COUNT_RUNNING_SK = 'RUNNING';
export const SOURCE_COUNT_SK_PREFIX = 'AT#';
export const sourceCountSk = (completedAt: string): string => `${SOURCE_COUNT_SK_PREFIX}${completedAt}`;
/** An evidence export's record (`META`) and its trail (requested, completed or failed, each download link issued). */
export const evidenceExportPk = (exportId: string): string => `${EXPORT_PK_PREFIX}${exportId}`;
/** The export of a period that is running now, if any (`EXPORT#PERIOD#<from>#<to>`, `RUNNING`): what makes a second request return it. */
export const runningExportPk = (period: { from: string; to: string }): string => `${EXPORT_PK_PREFIX}PERIOD#${period.from}#${period.to}`;
export const RUNNING_EXPORT_SK = 'RUNNING';
