import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { PushOutcome } from '../functions/aws/compliance-platform-push.js';
import type { PushRequest } from '../functions/domain/compliance-platform/push-plan.js';
import { UsageError } from './usage-error.js';

interface PushAgainFlags {
  incident?: string;
  drillRun?: string;
  /** The push function's name or ARN. */
  function?: string;
}

const FUNCTION_HINT = 'stack output CompliancePushFunctionName; irdr local env sets IRDR_COMPLIANCE_PUSH_FUNCTION';

/**
 * `irdr evidence push-again`: once the cause of a platform's 4xx is fixed (a document id, a scope), has the push
 * function make that record's rejected pushes again. It invokes the function (the only reader of the platforms'
 * credentials), so who asked is whoever IAM let invoke it, as CloudTrail records; the trail says it was reopened.
 */
export async function evidencePushAgainCommand(flags: PushAgainFlags): Promise<void> {
  if (!flags.function) throw new UsageError(`name the push function: --function <${FUNCTION_HINT}>`);
  if ((flags.incident === undefined) === (flags.drillRun === undefined)) throw new UsageError('name one record: --incident <id> or --drill-run <id>');
  const subject = flags.incident !== undefined ? { kind: 'incident' as const, id: flags.incident } : { kind: 'drill-run' as const, id: flags.drillRun! };
  const request: PushRequest = { subject, retryRejected: true };
  const lambda = new LambdaClient({});
  let invoked;
  try {
    invoked = await lambda.send(new InvokeCommand({ FunctionName: flags.function, Payload: Buffer.from(JSON.stringify(request)) }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new UsageError(`no function ${flags.function}: --function names the compliance push function (${FUNCTION_HINT})`);
  } finally {
    lambda.destroy();
  }
  const payload = JSON.parse(Buffer.from(invoked.Payload ?? Buffer.from('null')).toString('utf8')) as { outcomes?: PushOutcome[]; errorMessage?: string } | null;
  if (invoked.FunctionError) {
    // The function fails when a push is rejected again or left pending: its message names each.
    console.error(`irdr: ${payload?.errorMessage ?? invoked.FunctionError}`);
    process.exitCode = 1;
    return;
  }
  const outcomes = payload?.outcomes ?? [];
  if (outcomes.length === 0) console.log(`${subject.kind} ${subject.id}: nothing to push (no platform configured, or the record is not signed off)`);
  for (const outcome of outcomes) console.log(`${outcome.target} to ${outcome.where}: ${outcome.result}${outcome.vendorId ? ` (${outcome.vendorId})` : ''}${outcome.message ? `: ${outcome.message}` : ''}`);
}
