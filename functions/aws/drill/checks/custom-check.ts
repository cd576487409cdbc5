import { InvokeCommand } from '@aws-sdk/client-lambda';
import * as z from '../../../domain/zod.js';
import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import { DrillCheckError } from '../../../domain/drill/check-error.js';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { lambda } from '../../lambda-client.js';

type CustomCheck = Extract<DrillCheck, { type: 'custom' }>;

/** One comparison a custom check made, expected vs actual (how the report shows it). */
const ReportedCheck = z.object({ name: z.string().check(z.minLength(1), z.maxLength(200)), passed: z.boolean(), expected: z.unknown(), actual: z.unknown() });

/** What a custom check function must answer: passed, and optionally what it compared (`checks`) and anything else (`details`). */
const CustomCheckAnswer = z.object({ passed: z.boolean(), checks: z.optional(z.array(ReportedCheck).check(z.maxLength(100))), details: z.optional(z.record(z.string(), z.unknown())) });

/** Lambda's body for a function error. */
const FunctionErrorBody = z.object({ errorType: z.optional(z.string()), errorMessage: z.optional(z.string()) });

function parsedPayload(functionName: string, payload: Uint8Array | undefined): unknown {
  const text = payload ? Buffer.from(payload).toString('utf8') : '';
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    throw new DrillCheckError(`custom check ${functionName} answered no JSON: ${text.slice(0, 200)}`);
  }
}

/** Invokes the plan's function with the restored table; it says passed or not. A failed or malformed answer throws. */
export async function customCheck(check: CustomCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  const { runId, planId, sourceTableName, restoredTableName, recoveryPoint, source, restored, restoreMetadata } = context;
  // The contract (docs/drills.md): table names for table drills, and for every type the source, the restored resource and its metadata.
  const input = { runId, planId, sourceTableName, restoredTableName, recoveryPoint, ...(source && { source }), ...(restored && { restored }), ...(restoreMetadata && { restoreMetadata }) };
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: check.functionName,
      InvocationType: 'RequestResponse',
      Payload: Buffer.from(JSON.stringify(input)),
    }),
  );
  const payload = parsedPayload(check.functionName, response.Payload);
  if (response.FunctionError) {
    const failure = FunctionErrorBody.safeParse(payload);
    const reason = failure.success ? `${failure.data.errorType ?? 'Error'}: ${failure.data.errorMessage ?? ''}` : JSON.stringify(payload);
    throw new DrillCheckError(`custom check ${check.functionName} failed (${response.FunctionError}): ${reason}`);
  }
  const answer = CustomCheckAnswer.safeParse(payload);
  if (!answer.success) {
    throw new DrillCheckError(`custom check ${check.functionName} must answer { passed: boolean, details?: object }, not ${JSON.stringify(payload)?.slice(0, 200)}`);
  }
  return {
    passed: answer.data.passed,
    expected: check.description ?? `${check.functionName} reports passed`,
    actual: `${check.functionName} reported ${answer.data.passed ? 'passed' : 'failed'}`,
    details: {
      functionName: check.functionName,
      ...(answer.data.checks !== undefined && { checks: answer.data.checks }),
      ...(answer.data.details !== undefined && { reported: answer.data.details }),
    },
  };
}
