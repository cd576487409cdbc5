import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { WrittenDigest } from '../functions/aws/evidence-digests.js';
import { sdkTarget } from './sdk-target.js';
import { UsageError } from './usage-error.js';

interface DigestFlags {
  /** The digest writer function's name or ARN. */
  function?: string;
}

/**
 * `irdr evidence digest`: has the digest writer write a digest now, as the daily schedule does. It invokes the function
 * rather than writing one itself: the digest key's policy lets only that function's role sign.
 */
export async function evidenceDigestCommand(flags: DigestFlags): Promise<void> {
  if (!flags.function) {
    console.error('irdr: name the digest writer: --function <stack output EvidenceDigestFunctionName> (irdr local env sets IRDR_DIGEST_FUNCTION)');
    process.exitCode = 2;
    return;
  }
  const lambda = new LambdaClient({});
  let invoked;
  try {
    invoked = await lambda.send(new InvokeCommand({ FunctionName: flags.function, Payload: Buffer.from('{}') }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new UsageError(`no function ${flags.function} ${await sdkTarget(lambda, process.env.AWS_ENDPOINT_URL_LAMBDA)}: --function names the digest writer (stack output EvidenceDigestFunctionName; irdr local env sets IRDR_DIGEST_FUNCTION)`);
  } finally {
    lambda.destroy();
  }
  const payload: unknown = JSON.parse(Buffer.from(invoked.Payload ?? Buffer.from('null')).toString('utf8'));
  if (invoked.FunctionError) {
    const { errorType, errorMessage } = (payload ?? {}) as { errorType?: string; errorMessage?: string };
    console.error(`irdr: the digest writer ${flags.function} failed: ${errorType ?? invoked.FunctionError}: ${errorMessage ?? 'no message'}`);
    process.exitCode = 1;
    return;
  }
  const written = payload as WrittenDigest;
  console.log(`digest ${written.name} written to ${written.location}: ${written.heads} chain heads, sha256 ${written.sha256}`);
  for (const { partitionKey, recorded, found } of written.refused) {
    console.log(`refused ${partitionKey}: digest ${recorded.digest} recorded ${recorded.seq}:${recorded.hash}, the table holds ${found}; kept the recorded head`);
  }
  if (written.refused.length > 0) {
    console.log(`${written.refused.length} trails no longer extend the last digest: rewritten, truncated or deleted since. Run irdr evidence verify and investigate.`);
    process.exitCode = 1;
  }
}
