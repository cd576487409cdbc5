import { logger } from '../../../functions/aws/powertools.js';

/** Not run: the logger-reserved-keys test reads it to show it finds reserved keys, given directly and through a spread. */
export function probe(key: { readonly taskId: string; readonly message: string }): void {
  logger.info('escalated', { taskId: key.taskId, level: 2 });
  logger.warn('refused', { ...key, service: 'x' });
  // Not counted: an Error is logged under `error`, whatever its own keys (message, stack).
  logger.error('failed', new Error('boom'));
}
