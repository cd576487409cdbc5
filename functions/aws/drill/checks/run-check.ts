import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import type { DrillCheckContext, DrillCheckResult } from '../../../domain/drill/check-result.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { isObjectScan } from '../../../domain/drill/object-segments.js';
import type { SqlReach } from '../sql/sql-reach.js';
import { canaryCheck } from './canary-check.js';
import { checksumCheck } from './checksum-check.js';
import { customCheck } from './custom-check.js';
import { itemCountCheck, type FannedOutCounts } from './item-count-check.js';
import { s3CheckContextOf } from './s3-check-context.js';
import { s3CanaryCheck } from './s3-canary-check.js';
import { s3ObjectCountCheck } from './s3-object-count-check.js';
import { s3PrefixChecksumCheck } from './s3-prefix-checksum-check.js';
import { s3SampleCheck } from './s3-sample-check.js';
import { sampleKeysCheck } from './sample-keys-check.js';
import { sqlCheckVerdict } from './sql-checks.js';

type ObjectCheck = Extract<DrillCheck, { type: 'object-count' | 'sample-objects' | 'prefix-checksum' | 'canary-object' }>;

/** The S3 checks: esbuild drops them, and the S3 SDK, from the functions of stacks that restore no bucket (the flag below). */
async function objectCheckVerdict(check: ObjectCheck, id: string, context: DrillCheckContext, fannedOut: FannedOutCounts | undefined): Promise<CheckVerdict> {
  const s3Context = s3CheckContextOf(context, check.type);
  // Listed by the Map in key ranges when validation planned them for this check (executions started before list here).
  const ranged = fannedOut?.scans.some((scan) => isObjectScan(scan) && scan.checkId === id) ? { ...fannedOut, checkId: id } : undefined;
  // The literal flag, as in ops-by-type.ts: lib/ bundles it, and esbuild drops the S3 checks of stacks that restore no bucket.
  if (process.env.DRILL_RESTORES_S3 !== 'false') {
    switch (check.type) {
      case 'object-count':
        return s3ObjectCountCheck({ ...(check.prefix !== undefined && { prefix: check.prefix }), tolerancePercent: check.tolerancePercent, ...(check.expected && { expected: check.expected }) }, s3Context, ranged);
      case 'sample-objects':
        return s3SampleCheck({ ...(check.prefix !== undefined && { prefix: check.prefix }), count: check.count, ...(check.pinned && { pinned: check.pinned }) }, s3Context);
      case 'prefix-checksum':
        return s3PrefixChecksumCheck({ prefix: check.prefix, expected: check.expected === 'source' ? 'source' : { sha256: check.expected } }, s3Context, ranged);
      case 'canary-object':
        return s3CanaryCheck({ key: check.key }, s3Context);
    }
  }
  throw new Error(`${check.type}: this function was bundled for plans that restore no S3 bucket`);
}

function verdictOf(check: DrillCheck, id: string, context: DrillCheckContext, sqlReach: SqlReach | undefined, fannedOut: FannedOutCounts | undefined): Promise<CheckVerdict> {
  switch (check.type) {
    case 'item-count':
      return itemCountCheck(check, id, context, fannedOut);
    case 'canary':
      return canaryCheck(check, context);
    case 'sample-keys':
      return sampleKeysCheck(check, context);
    case 'checksum':
      return checksumCheck(check, context);
    case 'object-count':
    case 'sample-objects':
    case 'prefix-checksum':
    case 'canary-object':
      return objectCheckVerdict(check, id, context, fannedOut);
    case 'custom':
      return customCheck(check, context);
    case 'sql-row-count':
    case 'sql-checksum':
    case 'sql-schema':
    case 'sql-canary':
    case 'sql-query':
      return sqlCheckVerdict(check, context, sqlReach);
  }
}

/**
 * Runs one check on the restored table, bucket or database: passed:false when it finds bad data; throws when it cannot
 * run. SQL checks reach the database the running function's way (sqlReach); without one they fail, saying so.
 * Whole-table counts come from `fannedOut` (the Map's segment counts) when validation fanned out.
 */
export async function runDrillCheck(check: DrillCheck, id: string, context: DrillCheckContext, sqlReach?: SqlReach, fannedOut?: FannedOutCounts): Promise<DrillCheckResult> {
  return { id, type: check.type, ...(await verdictOf(check, id, context, sqlReach, fannedOut)) };
}
