import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { pushSubject, type PushOutcome, type PushTables } from '../aws/compliance-platform-push.js';
import { queuedSubjects } from '../aws/compliance-platform-store.js';
import { logger } from '../aws/powertools.js';
import { parsePushRequest, subjectRef, type PushSubject } from '../domain/compliance-platform/push-plan.js';

const tables: PushTables = {
  tableName: requireEnvironment('TABLE_NAME'),
  deduplicationTableName: requireEnvironment('DEDUPLICATION_TABLE_NAME'),
  vantaUrl: requireEnvironment('VANTA_API_URL'),
  drataUrl: requireEnvironment('DRATA_API_URL'),
  apiUrl: requireEnvironment('API_URL'),
  exportBucket: requireEnvironment('EVIDENCE_EXPORT_BUCKET'),
};

/**
 * After a sign-off (invoked asynchronously with the record) and hourly (every queued subject, and the drill plans'
 * standing): pushes evidence to the compliance platforms. Anything left pending fails the invocation, which alarms;
 * it stays queued for the next hour.
 */
export const handler = async (payload: unknown, context?: Context): Promise<{ outcomes: Array<PushOutcome & { subject: string }> }> => {
  if (context) logger.addContext(context);
  const request = parsePushRequest(payload);
  const subjects: PushSubject[] = 'subject' in request ? [request.subject] : [...(await queuedSubjects(tables.deduplicationTableName)).filter((subject) => subject.kind !== 'drill-plans'), { kind: 'drill-plans' }];
  const outcomes: Array<PushOutcome & { subject: string }> = [];
  for (const subject of subjects) {
    const retryRejected = 'subject' in request && request.retryRejected === true;
    for (const outcome of await pushSubject(tables, subject, new Date(), undefined, { retryRejected })) outcomes.push({ ...outcome, subject: subjectRef(subject) });
  }
  // A push rejected now or left pending fails the invocation: the function's error alarm tells someone.
  const failed = outcomes.filter((outcome) => outcome.result === 'pending' || outcome.result === 'rejected');
  for (const outcome of outcomes) {
    // The platform's answer is logged as `reason`: Powertools drops an attribute named `message`.
    const { message: reason, ...logged } = outcome;
    (failed.includes(outcome) ? logger.error.bind(logger) : logger.info.bind(logger))('compliance push', { ...logged, reason });
  }
  if (failed.length > 0) {
    throw new Error(`compliance pushes failed (pending ones are retried hourly, rejected ones need a change): ${failed.map((outcome) => `${outcome.target} for ${outcome.subject} ${outcome.result}: ${outcome.message ?? ''}`).join('; ')}`);
  }
  return { outcomes };
};
