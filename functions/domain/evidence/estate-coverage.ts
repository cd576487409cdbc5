import * as z from '../zod.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import { VerificationPeriodQuery } from './verification-period.js';
import type { EvidencePeriod, ExportedTrail } from './exported-trail.js';
import type { ProtectedResource } from './protected-resources.js';

/*
 * Coverage of the estate: every resource AWS Backup protects (ListProtectedResources) and every DynamoDB table,
 * merged by ARN, against the drill runs of a period. Evidence never flatters: a resource counts as drilled only by a
 * run that passed with every check passed; a run that failed, stopped, or never validated makes it attempted.
 */

/** A run as coverage reads it; `source` is recorded by drills of every resource type, older runs name only a table. */
export type CoverageRun = Pick<DrillRunRecord, 'runId' | 'planId' | 'status' | 'startedAt' | 'checks' | 'sourceTableName'> & {
  readonly source?: { readonly type: string; readonly arn: string; readonly name?: string };
  /** Where the run's trail was read (the export): whether the intact chain ends in drill.passed. */
  readonly trailConfirmsPass?: boolean;
};

/** A DynamoDB table of the account's listing (protected by AWS Backup or not). */
export interface ListedTable {
  readonly name: string;
  readonly arn: string;
}

export type EstateCoverageStatus = 'not-drilled' | 'attempted' | 'drilled';
/** Where a resource was found: AWS Backup's protected resources, the DynamoDB table listing, or only in a drill run. */
export type EstateSource = 'aws-backup' | 'dynamodb-tables' | 'drill-runs';

export interface EstateCoverageRow {
  readonly arn: string;
  readonly type: string;
  readonly name: string;
  readonly foundIn: readonly EstateSource[];
  readonly status: EstateCoverageStatus;
  readonly lastBackupTime?: string;
  /** Runs in the period that passed with every check passed, newest first. */
  readonly drilledBy: readonly string[];
  /** Runs in the period that did not (failed, running, or never validated), newest first. */
  readonly attemptedBy: readonly string[];
  readonly lastDrilledAt?: string;
  /** What keeps it from drilled, in a line. */
  readonly why?: string;
}

export interface EstateTypeSummary {
  readonly type: string;
  readonly resources: number;
  readonly drilled: number;
  readonly attempted: number;
  readonly notDrilled: number;
}

export interface EstateCoverage {
  readonly period: EvidencePeriod;
  readonly rows: readonly EstateCoverageRow[];
  readonly byType: readonly EstateTypeSummary[];
  /** Runs that name no source (stopped before they found it): they cover nothing. */
  readonly unattributedRuns: readonly string[];
}

export interface EstateInventory {
  readonly protectedResources: readonly ProtectedResource[];
  readonly tables: readonly ListedTable[];
  /** The ARN of a table by name in this account and region (a drilled table no longer listed). */
  readonly tableArnOf: (tableName: string) => string;
}

/** Passed, and validated: at least one check ran and every check passed (and, where its trail was read, the trail says so too). */
export function runProvesRecovery(run: CoverageRun): boolean {
  return run.status === 'passed' && (run.checks?.length ?? 0) > 0 && run.checks!.every((check) => check.passed) && run.trailConfirmsPass !== false;
}

/**
 * Whether a run's trail confirms the pass its record claims: the chain intact, its last outcome event drill.passed. A
 * record edited to `passed` (its META is updated in place, the trail is not) is then held to what the chain says.
 */
export function trailConfirmsPass(trail: Pick<ExportedTrail, 'intact' | 'facts'>): boolean {
  return trail.intact && trail.facts.lastDrillOutcome === 'drill.passed';
}

const DYNAMODB = 'DynamoDB';
const ORDER: Readonly<Record<EstateCoverageStatus, number>> = { 'not-drilled': 0, attempted: 1, drilled: 2 };

/** The table name an ARN `arn:…:dynamodb:…:table/<name>` names, if it names one. */
const tableNameOfArn = (arn: string): string | undefined => /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)$/.exec(arn)?.[1];

/** The table listing's ARN for an ARN-builder template: a table named from `arn:<partition>:<service>:<region>:<account>:…`. */
export function tableArnTemplateFrom(anyArnOfTheAccount: string): (tableName: string) => string {
  const [, partition, , region, account] = anyArnOfTheAccount.split(':');
  if (!partition || !region || !account) throw new Error(`not an ARN with a region and account: ${anyArnOfTheAccount}`);
  return (tableName) => `arn:${partition}:dynamodb:${region}:${account}:table/${tableName}`;
}

interface Building {
  arn: string;
  type: string;
  name: string;
  foundIn: Set<EstateSource>;
  lastBackupTime?: string;
  runs: CoverageRun[];
}

/** Every protected resource and table, merged by ARN, against the period's runs; not drilled first, then attempted, then drilled. */
export function estateCoverage(inventory: EstateInventory, runs: readonly CoverageRun[], period: EvidencePeriod): EstateCoverage {
  const byArn = new Map<string, Building>();
  const entry = (arn: string, type: string, name: string): Building => {
    let found = byArn.get(arn);
    if (!found) byArn.set(arn, (found = { arn, type, name, foundIn: new Set(), runs: [] }));
    return found;
  };
  for (const resource of inventory.protectedResources) {
    const found = entry(resource.arn, resource.type, resource.name ?? tableNameOfArn(resource.arn) ?? resource.arn);
    found.foundIn.add('aws-backup');
    if (resource.lastBackupTime && (!found.lastBackupTime || resource.lastBackupTime > found.lastBackupTime)) found.lastBackupTime = resource.lastBackupTime;
  }
  for (const table of inventory.tables) entry(table.arn, DYNAMODB, table.name).foundIn.add('dynamodb-tables');

  const tableArns = new Map(inventory.tables.map((table) => [table.name, table.arn]));
  const unattributedRuns: string[] = [];
  const inPeriod = runs.filter((run) => run.startedAt >= period.from && run.startedAt < period.to);
  for (const run of inPeriod) {
    const arn = run.source?.arn ?? (run.sourceTableName !== undefined ? (tableArns.get(run.sourceTableName) ?? inventory.tableArnOf(run.sourceTableName)) : undefined);
    if (arn === undefined) {
      unattributedRuns.push(run.runId);
      continue;
    }
    const found = byArn.get(arn) ?? entry(arn, run.source?.type ?? DYNAMODB, run.source?.name ?? run.sourceTableName ?? tableNameOfArn(arn) ?? arn);
    if (found.foundIn.size === 0) found.foundIn.add('drill-runs');
    found.runs.push(run);
  }

  const rows = [...byArn.values()].map((found): EstateCoverageRow => {
    const newestFirst = [...found.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const proving = newestFirst.filter(runProvesRecovery);
    const attempted = newestFirst.filter((run) => !runProvesRecovery(run));
    const status: EstateCoverageStatus = proving.length > 0 ? 'drilled' : attempted.length > 0 ? 'attempted' : 'not-drilled';
    const why =
      status === 'not-drilled'
        ? 'no drill run in the period'
        : status === 'attempted'
          ? `${attempted.length} run${attempted.length === 1 ? '' : 's'} in the period, none passed with every check passed`
          : undefined;
    return {
      arn: found.arn,
      type: found.type,
      name: found.name,
      foundIn: [...found.foundIn].sort(),
      status,
      ...(found.lastBackupTime !== undefined && { lastBackupTime: found.lastBackupTime }),
      drilledBy: proving.map((run) => run.runId),
      attemptedBy: attempted.map((run) => run.runId),
      ...(proving[0] && { lastDrilledAt: proving[0].startedAt }),
      ...(why !== undefined && { why }),
    };
  });
  rows.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
  return { period, rows, byType: summariseByType(rows), unattributedRuns };
}

function summariseByType(rows: readonly EstateCoverageRow[]): EstateTypeSummary[] {
  const types = [...new Set(rows.map((row) => row.type))].sort();
  return types.map((type) => {
    const ofType = rows.filter((row) => row.type === type);
    const count = (status: EstateCoverageStatus) => ofType.filter((row) => row.status === status).length;
    return { type, resources: ofType.length, drilled: count('drilled'), attempted: count('attempted'), notDrilled: count('not-drilled') };
  });
}

/** `?from=&to=` of GET /evidence/coverage, and which rows to answer with (the per-type summary is always whole). */
export const EstateCoverageQuery = z.safeExtend(VerificationPeriodQuery, {
  /** AWS Backup's resource type, e.g. S3 or DynamoDB. */
  type: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 ._-]{1,64}$/, 'a resource type as AWS Backup names it, e.g. S3 or DynamoDB'))),
  status: z.optional(z.enum(['not-drilled', 'attempted', 'drilled'])),
});
export type EstateCoverageQuery = z.infer<typeof EstateCoverageQuery>;

/** Only the rows of that type and status; the summary, counted over every row, stays as it was. */
export function filterEstateRows(coverage: EstateCoverage, filter: { readonly type?: string; readonly status?: EstateCoverageStatus }): EstateCoverage {
  if (filter.type === undefined && filter.status === undefined) return coverage;
  return { ...coverage, rows: coverage.rows.filter((row) => (filter.type === undefined || row.type === filter.type) && (filter.status === undefined || row.status === filter.status)) };
}
