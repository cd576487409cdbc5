import { logger } from '../../../functions/aws/powertools.js';

/** Not run: the type check (npm test's tsc) holds that the logger refuses reserved keys, given directly and through a spread. */
export function probe(key: { readonly taskId: string; readonly message: string }, attributes: Record<string, unknown>): void {
  // @ts-expect-error level is reserved: Powertools would drop it.
  logger.info('escalated', { taskId: key.taskId, level: 2 });
  // @ts-expect-error message (from the spread) and service are reserved.
  logger.warn('refused', { ...key, service: 'x' });
  // @ts-expect-error appended keys are held to the same rule.
  logger.appendKeys({ timestamp: 'now' });
  // Allowed: an Error is logged under `error` whatever its own keys (message, stack); a string as `extra`.
  logger.error('failed', new Error('boom'));
  logger.warn('failed', 'why');
  logger.info('escalated', { taskId: key.taskId, escalationLevel: 2 }, attributes);
}
