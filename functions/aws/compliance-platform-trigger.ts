import { InvokeCommand } from '@aws-sdk/client-lambda';
import { irdrConfig } from '../config.js';
import type { PushRequest, PushSubject } from '../domain/compliance-platform/push-plan.js';
import { queueSubject } from './compliance-platform-store.js';
import { requireEnvironment } from './environment.js';
import { lambda } from './lambda-client.js';
import { logger } from './powertools.js';

/**
 * After a sign-off: queue the record for the compliance platforms (durable: the hourly retry finds it), then invoke the
 * push function asynchronously so it goes now. Never fails the sign-off, which is already in the trail.
 */
export async function queueCompliancePush(subject: Extract<PushSubject, { id: string }>, at: string): Promise<void> {
  const config = irdrConfig.compliancePlatforms;
  if (!config?.vanta && !config?.drata) return;
  try {
    await queueSubject(requireEnvironment('DEDUPLICATION_TABLE_NAME'), subject, at);
    const request: PushRequest = { subject };
    await lambda.send(new InvokeCommand({ FunctionName: requireEnvironment('COMPLIANCE_PUSH_FUNCTION_NAME'), InvocationType: 'Event', Payload: JSON.stringify(request) }));
  } catch (error) {
    logger.error('signed-off record not handed to the compliance push (queued ones are retried hourly)', { subject, error: (error as Error).message });
  }
}
