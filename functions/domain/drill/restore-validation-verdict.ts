import { caughtErrorMessage, type DrillExecutionState } from './run.js';

/** AWS Backup's validation statuses a finished drill reports (VALIDATING is for a validation still running). */
export type RestoreValidationStatus = 'SUCCESSFUL' | 'FAILED' | 'TIMED_OUT';

export interface RestoreValidationVerdict {
  readonly restoreJobId: string;
  readonly status: RestoreValidationStatus;
  /** One line: what irdr found, for AWS Backup's console and Backup Audit Manager. */
  readonly message: string;
}

/** ValidationStatusMessage is free text; one short line keeps it readable in the console. */
const MAX_MESSAGE_LENGTH = 500;

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : flat;
};

/**
 * What irdr tells AWS Backup about the restore job it validated: the checks' verdict on the restored data (not the
 * drill's, which also judges RTO/RPO targets and cleanup), TIMED_OUT when the restore never finished in the plan's wait,
 * FAILED when validation could not run. Undefined when no AWS Backup restore job was started.
 */
export function restoreValidationVerdict(state: DrillExecutionState): RestoreValidationVerdict | undefined {
  const restoreJobId = state.restore?.handle.restoreJobId;
  if (!restoreJobId) return undefined;
  const about = `irdr drill ${state.input.planId} run ${state.runId}`;
  if (state.checks) {
    const failed = state.checks.results.filter((check) => !check.passed);
    if (failed.length === 0) return { restoreJobId, status: 'SUCCESSFUL', message: oneLine(`${about}: all ${state.checks.results.length} checks passed`) };
    const first = failed[0]!;
    return {
      restoreJobId,
      status: 'FAILED',
      message: oneLine(`${about}: ${failed.length} of ${state.checks.results.length} checks failed; ${first.id}: expected ${first.expected}, found ${first.actual}`),
    };
  }
  if (state.failure?.Error === 'DrillRestoreTimedOut') return { restoreJobId, status: 'TIMED_OUT', message: oneLine(`${about}: ${caughtErrorMessage(state.failure)}`) };
  const why = state.failure ? caughtErrorMessage(state.failure) : 'the restored data was never validated';
  return { restoreJobId, status: 'FAILED', message: oneLine(`${about}: not validated: ${why}`) };
}
