import { checkIdOf, type DrillPlan } from '../domain/drill-plan-schema.js';
import type { DrillCheckContext } from '../domain/drill/check-result.js';
import { planObjectScans, type ObjectScan } from '../domain/drill/object-segments.js';
import { MAX_SEGMENTS_PER_RUN, planSegmentScans } from '../domain/drill/scan-segments.js';
import type { ValidationStep } from '../domain/drill/run.js';
import { checkContextOf } from '../aws/drill/check-context.js';
import { itemCountRequest } from '../aws/drill/checks/item-count-check.js';
import { objectListRequest, type ObjectRangesWanted } from '../aws/drill/checks/object-ranges-plan.js';
import { s3CheckContextOf } from '../aws/drill/checks/s3-check-context.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { preparedRunOf } from '../aws/drill/prepared-run.js';

/**
 * Drill step 4a: validation starts here. Plans the whole-table reads as parallel-scan segments and the whole-bucket
 * listings as key ranges, which the Map reads (each within a function's time) before the checks sum them; the source
 * only where the check compares with it.
 */
export const handler = drillStepHandler('validation', async (state): Promise<ValidationStep> => {
  const startedAt = new Date().toISOString();
  const { run, plan } = preparedRunOf(state);
  const context = checkContextOf(state, run, plan);
  const requests = await Promise.all(
    plan.checks.flatMap((check, index) => (check.type === 'item-count' ? [itemCountRequest(check, checkIdOf(plan.checks, index), context)] : [])),
  );
  const tableScans = planSegmentScans(requests);
  // The literal flag, as in run-check.ts: esbuild drops the S3 listing from stacks that restore no bucket.
  const objectScans = process.env.DRILL_RESTORES_S3 !== 'false' ? await planObjectRanges(plan, context, MAX_SEGMENTS_PER_RUN - tableScans.length) : [];
  const scans = [...tableScans, ...objectScans];
  if (scans.length > 0) {
    await recordDrillEvent(state, 'drill.validation.planned', {
      segments: [
        ...requests.map((request) => ({ checkId: request.checkId, tables: request.tables.map((table) => table.role), ...sizeOf(tableScans, request.checkId) })),
        ...[...new Set(objectScans.map((scan) => scan.checkId))].map((checkId) => ({ checkId, buckets: [...new Set(objectScans.filter((scan) => scan.checkId === checkId).map((scan) => scan.role))], ...sizeOf(objectScans, checkId) })),
      ],
    });
  }
  return { startedAt, scans };
});

/** Key ranges for the checks that list a whole prefix (object count, prefix checksum). */
async function planObjectRanges(plan: DrillPlan, context: DrillCheckContext, room: number): Promise<ObjectScan[]> {
  const wanted = plan.checks.flatMap((check, index): ObjectRangesWanted[] => {
    const checkId = checkIdOf(plan.checks, index);
    const cuts = { ...('segments' in check && check.segments !== undefined && { segments: check.segments }), ...('prefix' in check && check.prefix !== undefined && { prefix: check.prefix }) };
    if (check.type === 'object-count') return [{ checkId, measure: 'totals', withSource: check.expected === undefined, whole: false, ...cuts }];
    if (check.type === 'prefix-checksum') return [{ checkId, measure: 'checksums', withSource: check.expected === 'source', whole: check.expected !== 'source', ...cuts }];
    return [];
  });
  if (wanted.length === 0) return [];
  const s3Context = s3CheckContextOf(context, wanted.map(({ measure }) => (measure === 'totals' ? 'object-count' : 'prefix-checksum')).join(', '));
  return planObjectScans(await Promise.all(wanted.map((want) => objectListRequest(want, s3Context))), Math.max(room, wanted.length * 2));
}

const sizeOf = (scans: ReadonlyArray<{ readonly checkId: string; readonly totalSegments: number }>, checkId: string) => ({ totalSegments: scans.find((scan) => scan.checkId === checkId)?.totalSegments ?? 0 });
