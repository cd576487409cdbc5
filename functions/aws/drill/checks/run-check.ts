import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import type { DrillCheckContext, DrillCheckResult } from '../../../domain/drill/check-result.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { canaryCheck } from './canary-check.js';
import { checksumCheck } from './checksum-check.js';
import { customCheck } from './custom-check.js';
import { itemCountCheck } from './item-count-check.js';
import { sampleKeysCheck } from './sample-keys-check.js';

function verdictOf(check: DrillCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  switch (check.type) {
    case 'item-count':
      return itemCountCheck(check, context);
    case 'canary':
      return canaryCheck(check, context);
    case 'sample-keys':
      return sampleKeysCheck(check, context);
    case 'checksum':
      return checksumCheck(check, context);
    case 'custom':
      return customCheck(check, context);
  }
}

/** Runs one check on the restored table: passed:false when it finds bad data; throws when it cannot run. */
export async function runDrillCheck(check: DrillCheck, id: string, context: DrillCheckContext): Promise<DrillCheckResult> {
  return { id, type: check.type, ...(await verdictOf(check, context)) };
}
