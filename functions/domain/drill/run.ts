import * as z from '../zod.js';
import type { DrillCheckResult } from './check-result.js';
import type { RestorableWindow } from './recovery-point-note.js';
import type { ChosenRecoveryPoint, RestoreHandle, SourceResource, TableRestoreHandle } from './restore.js';
import type { ObjectProgress, ObjectScan } from './object-segments.js';
import type { SegmentProgress, SegmentScan } from './scan-segments.js';

/** How a run was started. */
export const DrillTrigger = z.enum(['schedule', 'api', 'cli', 'demo', 'runbook', 'restore-testing']);
export type DrillTrigger = z.infer<typeof DrillTrigger>;

/** The AWS Backup restore testing job a run validates (trigger `restore-testing`), as DescribeRestoreJob described it. */
export const RestoreTestingJob = z.object({
  restoreJobId: z.string().check(z.minLength(1), z.maxLength(1024)),
  restoreTestingPlanArn: z.string().check(z.minLength(1), z.maxLength(2048)),
  recoveryPointArn: z.string().check(z.minLength(1), z.maxLength(2048)),
  /** ISO 8601: the recovery point's creation (RecoveryPointCreationDate). */
  recoveryPointCreatedAt: z.string().check(z.minLength(1)),
  sourceResourceArn: z.string().check(z.minLength(1), z.maxLength(2048)),
  /** ISO 8601: when AWS Backup started the restore (the job's CreationDate): the recovery's start, for RTO. */
  createdAt: z.string().check(z.minLength(1)),
  createdResourceArn: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type RestoreTestingJob = z.infer<typeof RestoreTestingJob>;

/** The drill state machine's input: which plan, and who asked. */
export const DrillExecutionInput = z.object({
  planId: z.string().check(z.minLength(1), z.maxLength(40)),
  trigger: DrillTrigger,
  requestedBy: z.optional(z.string().check(z.maxLength(2048))),
  /** Set by StartRestoreTestingDrill only: the run validates this job instead of starting a restore. */
  restoreTestingJob: z.optional(RestoreTestingJob),
});
export type DrillExecutionInput = z.infer<typeof DrillExecutionInput>;

/** What Prepare found and decided. */
export interface PreparedRun {
  readonly planId: string;
  readonly planHash: string;
  /** The resource restored (absent in runs prepared before resource types: read it with preparedResourcesOf). */
  readonly source?: SourceResource;
  /** The restored resource's drill-prefixed name (likewise). */
  readonly restoredName?: string;
  /** DynamoDB sources only: the table names, as runs have always recorded them. */
  readonly sourceTableName?: string;
  readonly sourceTableArn?: string;
  readonly restoreTableName?: string;
  readonly recoveryPoint: ChosenRecoveryPoint;
  /** Point-in-time recovery's window when the point was chosen (PITR drivers): explains a point that predates the data. */
  readonly restorableWindow?: RestorableWindow;
  readonly holdSeconds: number;
  readonly restoreTimeoutSeconds: number;
  readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  /** `drill-vpc`: the checks run in the validator in the drill VPC (wire SQL checks); absent: in RunDrillChecks. */
  readonly checksIn?: 'drill-vpc';
}

/** The restore as the wait loop follows it. */
export interface RestoreStep {
  readonly state: 'IN_PROGRESS' | 'COMPLETED';
  /** Read it with readRestoreHandle: executions started before resource types hold a table handle. */
  readonly handle: RestoreHandle | TableRestoreHandle;
  /** The Wait state's SecondsPath. */
  readonly nextWaitSeconds: number;
  /** How many times the restore was looked at. */
  readonly looks: number;
  /** Seconds waited in the loop so far (the timeout counts these, so a local time scale keeps its proportions). */
  readonly waitedSeconds: number;
  /**
   * When the restore completed: the restore service's own completion time when it gives one and the drill was waiting
   * for its event; otherwise when a look saw it complete (at most `resolutionSeconds` after it really was).
   */
  readonly completedAt?: string;
  readonly resolutionSeconds?: number;
  /**
   * How the drill waits for the next word on the restore: `event`, a task token the service's own end event answers
   * (with a look when the wait times out); `poll` (or absent, as executions started before events have it), a Wait then a look.
   */
  readonly signal?: 'event' | 'poll';
}

/** Achieved recovery point: measured by the canary, or only estimated from the recovery point's age. */
export interface AchievedRpo {
  readonly seconds: number;
  readonly method: 'canary' | 'recovery-point';
}

export interface ChecksStep {
  readonly results: readonly DrillCheckResult[];
  /** When validation ended: the restored data is known good (or not) from here. */
  readonly completedAt: string;
  /** Every check passed. */
  readonly validated: boolean;
  /** Drill start to the end of validation, whatever its verdict. */
  readonly elapsedSeconds: number;
  /** Drill start to validated: only when validated (RTO is not achieved by data that failed a check). */
  readonly rtoSeconds?: number;
  /** Only when validated, likewise. */
  readonly rpo?: AchievedRpo;
}

/** Validation planned before the fan-out: when it began, and the segments the Map counts (whole-table checks). */
export interface ValidationStep {
  readonly startedAt: string;
  /** Segments of tables and key ranges of buckets, one Map item each. */
  readonly scans: readonly (SegmentScan | ObjectScan)[];
}

export type CleanupStatus =
  /** The restored table (and anything else the drill made) is deleted. */
  | 'DELETED'
  /** There was no table to delete (the restore never made one). */
  | 'NOT_FOUND'
  /** The run stopped before anything could have been created. */
  | 'NOTHING_CREATED'
  /** The table is still being created or deleted: look again after nextWaitSeconds. */
  | 'WAITING'
  /** Restored by an AWS Backup restore testing job: AWS Backup deletes it after the validation window, irdr does not. */
  | 'LEFT_TO_AWS_BACKUP'
  /** The guard refused to delete: the table is not provably this run's. Alerted. */
  | 'CLEANUP_REFUSED'
  /** Gave up waiting for the table to become deletable. Alerted. */
  | 'CLEANUP_FAILED';

export interface CleanupStep {
  readonly status: CleanupStatus;
  readonly tableName?: string;
  readonly reason?: string;
  /** Other things deleted (e.g. the on-demand backup the drill took). */
  readonly deletedExtras: readonly string[];
  readonly nextWaitSeconds?: number;
  readonly attempts: number;
  readonly firstAttemptAt: string;
}

export interface OutcomeStep {
  readonly passed: boolean;
  readonly reasons: readonly string[];
  readonly failureIncidentId?: string;
  readonly resolvedIncidentId?: string;
}

/** A Catch's error output, as Step Functions puts it at the Catch's ResultPath. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

/** The drill state machine's state, as each drill function receives it (`Parameters: { state.$: $ }`). */
export interface DrillExecutionState {
  readonly input: DrillExecutionInput;
  readonly runId: string;
  readonly executionArn: string;
  readonly startedAt: string;
  readonly run?: PreparedRun;
  readonly restore?: RestoreStep;
  /** Absent in executions started before validation fanned out: their checks count in one invocation. */
  readonly validation?: ValidationStep;
  /** The Map's output: each segment's final progress. */
  readonly segmentCounts?: readonly (SegmentProgress | ObjectProgress)[];
  readonly checks?: ChecksStep;
  readonly failure?: CaughtError;
  readonly cleanup?: CleanupStep;
  readonly cleanupFailure?: CaughtError;
  readonly outcome?: OutcomeStep;
}

const CaughtErrorShape = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/** The state every drill function is handed; the parts its own steps wrote are trusted, the frame is checked. */
export const DrillTaskEvent = z.object({
  state: z.catchall(z.object({
    input: DrillExecutionInput,
    runId: z.string().check(z.minLength(1)),
    executionArn: z.string().check(z.minLength(1)),
    startedAt: z.string().check(z.minLength(1)),
    failure: z.optional(CaughtErrorShape),
    cleanupFailure: z.optional(CaughtErrorShape),
  }), z.unknown()),
});

export function drillStateOf(event: unknown): DrillExecutionState {
  return DrillTaskEvent.parse(event).state as unknown as DrillExecutionState;
}

/** A caught error's message: Lambda errors carry a JSON Cause with errorMessage; others a plain text. */
export function caughtErrorMessage(caught: CaughtError): string {
  if (!caught.Cause) return caught.Error;
  try {
    const cause = JSON.parse(caught.Cause) as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') return `${caught.Error}: ${cause.errorMessage}`;
  } catch {
    // not JSON: a plain-text cause
  }
  return `${caught.Error}: ${caught.Cause}`;
}

/** The actor a drill step records in the trail. */
export const drillActor = (executionArn: string): string => `states:${executionArn}`;

/** A prepared run's source and restored name, whichever shape it was prepared in (table-only runs named tables). */
export function preparedResourcesOf(run: PreparedRun): { readonly source: SourceResource; readonly restoredName: string } {
  if (run.source && run.restoredName !== undefined) return { source: run.source, restoredName: run.restoredName };
  if (run.sourceTableName === undefined || run.sourceTableArn === undefined || run.restoreTableName === undefined) {
    throw new Error(`the prepared run of plan ${run.planId} names no source`);
  }
  return { source: { type: 'DynamoDB', arn: run.sourceTableArn, name: run.sourceTableName }, restoredName: run.restoreTableName };
}
