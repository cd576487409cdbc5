import type { DrillCheckResult } from './check-result.js';
import type { RestorableWindow } from './recovery-point-note.js';
import type { ChosenRecoveryPoint, SourceResource } from './restore.js';
import type { AchievedRpo, CleanupStatus, DrillTrigger } from './run.js';

export type DrillRunStatus = 'running' | 'passed' | 'failed';

/** A drill run as the table keeps it (`DRILLRUN#<runId>`, `META`) and the API returns it; its trail holds the steps. */
export interface DrillRunRecord {
  readonly runId: string;
  readonly planId: string;
  readonly planTitle?: string;
  readonly planHash?: string;
  /** The controls the plan named when the run started. */
  readonly controls?: readonly string[];
  readonly trigger: DrillTrigger;
  readonly requestedBy?: string;
  readonly executionArn: string;
  readonly status: DrillRunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly driver?: string;
  /** DynamoDB sources: the table names (as every run has recorded them). */
  readonly sourceTableName?: string;
  readonly restoreTableName?: string;
  /** Every source type (runs recorded before resource types have only the table names). */
  readonly source?: SourceResource;
  readonly restoredName?: string;
  readonly recoveryPoint?: ChosenRecoveryPoint;
  /** Point-in-time recovery's window when the point was chosen (PITR drivers). */
  readonly restorableWindow?: RestorableWindow;
  readonly targets?: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  /** Restore asked → seen complete, and how precisely (the last wait). */
  readonly restore?: {
    readonly startedAt: string;
    readonly completedAt?: string;
    readonly looks: number;
    readonly resolutionSeconds?: number;
    /** Where completedAt comes from: the restore service's own completion time, or the look that saw it complete. */
    readonly completedAtFrom?: 'service' | 'look';
  };
  /** Validation began (whole-table reads planned) → every check concluded: its own figure beside the restore's, part of RTO. */
  readonly validation?: { readonly startedAt: string; readonly completedAt: string; readonly seconds: number };
  /** Drill start → restored data validated: absent when a check failed or none ran (RTO not achieved; see objectives.ts). */
  readonly rtoSeconds?: number;
  /** Likewise only from validated data. */
  readonly rpo?: AchievedRpo;
  readonly checks?: readonly DrillCheckResult[];
  readonly cleanup?: { readonly status: CleanupStatus; readonly tableName?: string; readonly reason?: string; readonly deletedExtras: readonly string[] };
  /** Why the run failed, one line each. */
  readonly reasons?: readonly string[];
  readonly failureIncidentId?: string;
  readonly resolvedIncidentId?: string;
  readonly report?: { readonly sentTo: readonly string[]; readonly messageId: string; readonly sentAt: string };
  readonly updatedAt: string;
}
