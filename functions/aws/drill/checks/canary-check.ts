import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { canaryVerdict, type CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import type { CanaryCheck } from '../../../domain/drill/canary.js';
import { exactDocuments } from './exact-documents.js';

/** The canary's writtenAt in a table: undefined when it has none; a canary without a text time is still one (as text). */
async function canaryWrittenAt(tableName: string, key: CanaryCheck['key']): Promise<string | undefined> {
  const { Item } = await exactDocuments.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  const writtenAt = Item?.['writtenAt'];
  return Item === undefined ? undefined : typeof writtenAt === 'string' ? writtenAt : String(writtenAt);
}

/**
 * Reads the restored canary; how long before the recovery point asked for it was written is the measured RPO. The
 * source's canary says, when none was restored, whether it was only written after the recovery point.
 */
export async function canaryCheck(check: CanaryCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  const [restored, source] = await Promise.all([canaryWrittenAt(context.restoredTableName, check.key), canaryWrittenAt(context.sourceTableName, check.key)]);
  return canaryVerdict({
    requestedAt: context.recoveryPoint.requestedAt,
    recoveryPointAt: context.recoveryPoint.at,
    canaryWrittenAt: restored,
    sourceCanaryWrittenAt: source,
    rpoMinutes: context.targets.rpoMinutes,
  });
}
