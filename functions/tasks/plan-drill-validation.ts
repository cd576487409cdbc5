import { checkIdOf } from '../domain/drill-plan-schema.js';
import { planSegmentScans } from '../domain/drill/scan-segments.js';
import type { ValidationStep } from '../domain/drill/run.js';
import { checkContextOf } from '../aws/drill/check-context.js';
import { itemCountRequest } from '../aws/drill/checks/item-count-check.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { preparedRunOf } from '../aws/drill/prepared-run.js';

/**
 * Drill step 4a: validation starts here. Plans the whole-table reads as parallel-scan segments, which the Map counts
 * (each segment within a function's time) before the checks sum them; the source only where the plan asks for a scan of it.
 */
export const handler = drillStepHandler('validation', async (state): Promise<ValidationStep> => {
  const startedAt = new Date().toISOString();
  const { run, plan } = preparedRunOf(state);
  const context = checkContextOf(state, run, plan);
  const requests = await Promise.all(
    plan.checks.flatMap((check, index) => (check.type === 'item-count' ? [itemCountRequest(check, checkIdOf(plan.checks, index), context)] : [])),
  );
  const scans = planSegmentScans(requests);
  if (scans.length > 0) {
    await recordDrillEvent(state, 'drill.validation.planned', {
      segments: requests.map((request) => ({ checkId: request.checkId, tables: request.tables.map((table) => table.role), ...scanSizeOf(scans, request.checkId) })),
    });
  }
  return { startedAt, scans };
});

const scanSizeOf = (scans: ReturnType<typeof planSegmentScans>, checkId: string) => ({ totalSegments: scans.find((scan) => scan.checkId === checkId)?.totalSegments ?? 0 });
