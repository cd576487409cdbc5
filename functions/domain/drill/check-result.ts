import type { SqlAccess } from './rds-plan.js';
import type { ChosenRecoveryPoint, RestoredResource, SourceResource } from './restore.js';
import type { SqlDialect } from './sql-dialect.js';

export type DrillCheckType = 'item-count' | 'canary' | 'sample-keys' | 'checksum' | 'object-count' | 'sample-objects' | 'prefix-checksum' | 'canary-object' | 'custom' | 'sql-row-count' | 'sql-checksum' | 'sql-schema' | 'sql-query' | 'sql-canary';

/** One check's verdict, with what was expected and what was found, as the report and the trail show it. */
export interface DrillCheckResult {
  readonly id: string;
  readonly type: DrillCheckType;
  readonly passed: boolean;
  /** Human-readable, e.g. `1000 items (±5%)`. */
  readonly expected: string;
  /** Human-readable, e.g. `998 items`. */
  readonly actual: string;
  /** Check-specific facts (counts, hashes, sampled keys that differed ...), JSON-serialisable. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Canary only: how far the restored data trails the requested recovery point, in seconds (the measured RPO). */
  readonly measuredRpoSeconds?: number;
}

/** What every check gets to look at. */
export interface DrillCheckContext {
  readonly runId: string;
  readonly planId: string;
  /** DynamoDB sources: the tables (what the table checks read). */
  readonly sourceTableName: string;
  readonly restoredTableName: string;
  /** Every type: the source, the restored resource (ARN once the restore completed) and the metadata it was restored with. */
  readonly source?: SourceResource;
  readonly restored?: RestoredResource;
  readonly restoreMetadata?: Readonly<Record<string, string>>;
  readonly recoveryPoint: ChosenRecoveryPoint;
  /** The plan's canary keys (canary-object checks): object checks leave them out, as they change by design. */
  readonly canaryKeys?: readonly string[];
  readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  /** SQL checks: how they reach the restored database (the plan's sqlAccess), and the engine's SQL dialect. */
  readonly sqlAccess?: SqlAccess;
  readonly sqlDialect?: SqlDialect;
}
