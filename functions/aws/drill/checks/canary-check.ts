import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { canaryVerdict, type CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import type { CanaryCheck } from '../../../domain/drill/canary.js';
import { exactDocuments } from './exact-documents.js';

/** Reads the restored canary; how long before the recovery point asked for it was written is the measured RPO. */
export async function canaryCheck(check: CanaryCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  const { Item } = await exactDocuments.send(new GetCommand({ TableName: context.restoredTableName, Key: check.key, ConsistentRead: true }));
  const writtenAt = Item?.['writtenAt'];
  return canaryVerdict({
    requestedAt: context.recoveryPoint.requestedAt,
    // A canary item without a text writtenAt is still a canary: the verdict says its time is unreadable.
    canaryWrittenAt: Item === undefined ? undefined : typeof writtenAt === 'string' ? writtenAt : String(writtenAt),
    rpoMinutes: context.targets.rpoMinutes,
  });
}
