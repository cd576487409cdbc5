import { EVIDENCE_EXPORT_TIMEOUT_SECONDS } from '../functions/domain/evidence/export-job.js';
import { functionArnPlaceholder, functionSpec } from '../functions/registry.js';
import { transientRetry, type AslDefinition, type AslState } from './asl-fragments.js';

/*
 * The asynchronous evidence export ({exportId, period, months}, started by POST /evidence/exports):
 *   Collect months (inline Map, one iteration a calendar month: its trails read, verified, written as a part)
 *   → Render and sign (the parts rendered as GET /evidence renders, the manifest signed with KMS, zipped to the bucket)
 * Any error is caught into $.failure and recorded (Record failure) before the execution fails: a failed export has a
 * reason and never a download link. An inline Map, not a Distributed one: aws-local-stepfunctions runs no Distributed
 * Map, and a period's months (at most 121) are far under an inline Map's limits.
 */

export const EVIDENCE_EXPORT_STATE_MACHINE_LOGICAL_ID = 'Evidence-export';

/** How many months are read at once: the table's on-demand capacity is the limit, and each reader is one Lambda. */
export const MONTH_CONCURRENCY = 6;


const RUN_EXPORT = '${' + functionArnPlaceholder('RunEvidenceExport') + '}';
const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record failure' }];
const step = (parameters: Record<string, unknown>): AslState => ({
  Type: 'Task',
  Resource: RUN_EXPORT,
  Parameters: parameters,
  TimeoutSeconds: functionSpec('RunEvidenceExport').timeoutSeconds,
  Retry: transientRetry,
});

export function compileEvidenceExportStateMachine(): AslDefinition {
  return {
    Comment: 'irdr evidence export: each month of the period read and verified in parallel, then rendered, signed (KMS) and zipped into the exports bucket',
    StartAt: 'Collect months',
    TimeoutSeconds: EVIDENCE_EXPORT_TIMEOUT_SECONDS,
    States: {
      'Collect months': {
        Type: 'Map',
        ItemsPath: '$.months',
        ItemSelector: { 'exportId.$': '$.exportId', 'month.$': '$$.Map.Item.Value' },
        MaxConcurrency: MONTH_CONCURRENCY,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Collect month',
          States: { 'Collect month': { ...step({ step: 'collect-month', 'exportId.$': '$.exportId', 'month.$': '$.month' }), End: true } },
        },
        ResultPath: '$.parts',
        Catch: catchAll,
        Next: 'Render and sign',
      },
      'Render and sign': {
        ...step({ step: 'complete', 'exportId.$': '$.exportId', 'period.$': '$.period', 'parts.$': '$.parts' }),
        ResultPath: '$.result',
        Catch: catchAll,
        End: true,
      },
      'Record failure': {
        ...step({ step: 'fail', 'exportId.$': '$.exportId', 'period.$': '$.period', 'failure.$': '$.failure' }),
        ResultPath: null,
        Next: 'Export failed',
      },
      'Export failed': { Type: 'Fail', Error: 'EvidenceExportFailed', Cause: 'the export failed: its record says why' },
    },
  };
}
