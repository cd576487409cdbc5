import { PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import type { DrillExecutionState } from '../../domain/drill/run.js';
import { restoreValidationVerdict } from '../../domain/drill/restore-validation-verdict.js';
import { backupClient } from '../backup-client.js';
import { logger } from '../powertools.js';
import { recordDrillEvent } from './drill-step.js';

/**
 * Tells AWS Backup the verdict irdr reached on the restore job it validated (PutRestoreValidationResult), and records
 * AWS Backup's answer on the run's trail. AWS accepts results only for restore testing jobs: for a job started with
 * StartRestoreJob the refusal is recorded, never thrown (the drill's own verdict stands either way).
 */
export async function reportRestoreValidation(state: DrillExecutionState): Promise<void> {
  const verdict = restoreValidationVerdict(state);
  if (!verdict) return;
  let answer: { accepted: true } | { accepted: false; error: string; message: string };
  try {
    await backupClient.send(new PutRestoreValidationResultCommand({ RestoreJobId: verdict.restoreJobId, ValidationStatus: verdict.status, ValidationStatusMessage: verdict.message }));
    answer = { accepted: true };
  } catch (error) {
    logger.warn('AWS Backup did not take the validation result', { error: error as Error, restoreJobId: verdict.restoreJobId });
    answer = { accepted: false, error: (error as Error).name, message: (error as Error).message };
  }
  await recordDrillEvent(state, 'drill.restore-validation.reported', { restoreJobId: verdict.restoreJobId, validationStatus: verdict.status, validationStatusMessage: verdict.message, ...answer });
}
