import * as z from './zod.js';

/*
 * Step Functions emits "Step Functions Execution Status Change" to the default event bus for every execution. A run
 * that ends outside its own error handling (stopped by someone, timed out, or failed where no Catch could record it)
 * would otherwise leave its incident or drill run saying "running" forever; this is how the record learns it ended.
 */

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** The ends that no state of the run records itself. */
export const ABNORMAL_END_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** The rule's pattern: irdr's own state machines (by their name prefix) ending abnormally. */
export function executionEndedAbnormallyPattern(stateMachineArnPrefix: string): Record<string, unknown> {
  return {
    source: ['aws.states'],
    'detail-type': [EXECUTION_STATUS_CHANGE],
    detail: { status: [...ABNORMAL_END_STATUSES], stateMachineArn: [{ prefix: stateMachineArnPrefix }] },
  };
}

/** What the handler reads of the event (AWS sends more: input, output, their details, dates). */
export const ExecutionStatusChangeEvent = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  detail: z.object({
    executionArn: z.string().check(z.startsWith('arn:')),
    stateMachineArn: z.string().check(z.startsWith('arn:')),
    name: z.string().check(z.minLength(1)),
    status: z.string(),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
  }),
});
export type ExecutionStatusChangeEvent = z.infer<typeof ExecutionStatusChangeEvent>;

/** Why the record says aborted, in a line: the status and the execution's own error, its cause cut short. */
export function abnormalEndReason(detail: ExecutionStatusChangeEvent['detail']): string {
  const what = { FAILED: 'failed', TIMED_OUT: 'timed out', ABORTED: 'was stopped' }[detail.status] ?? `ended ${detail.status}`;
  const error = detail.error ? `: ${detail.error}` : '';
  const cause = detail.cause ? ` (${detail.cause.length > 300 ? `${detail.cause.slice(0, 300)}…` : detail.cause})` : '';
  return `its execution ${what}${error}${cause} before the run could record an outcome`;
}
