import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { printable } from '../domain/plain-text.js';
import { HttpError } from './http-errors.js';
import { headerValue, type ApiEvent } from './http-shell.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The required Idempotency-Key header; a missing, empty or overlong one is a 400 (`what` names what a retry could duplicate). */
export function idempotencyKeyOf(event: ApiEvent, what: string): string {
  const key = headerValue(event, IDEMPOTENCY_KEY_HEADER)?.trim();
  if (!key) {
    throw new HttpError(400, `the request needs an ${IDEMPOTENCY_KEY_HEADER} header (e.g. a UUID) so that a retry cannot start a second ${what}`);
  }
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new HttpError(400, `the ${IDEMPOTENCY_KEY_HEADER} header is ${key.length} characters long; use at most ${MAX_IDEMPOTENCY_KEY_LENGTH}`);
  }
  return key;
}

/** Powertools' idempotency refusals as the 409s callers act on; anything else is rethrown. */
export function idempotencyConflict(error: unknown, given: string, what: string): never {
  // Quoted back to the caller: a header may carry C1 controls (as Latin-1 bytes), shown rather than sent on.
  const key = printable(given);
  if (error instanceof IdempotencyValidationError) {
    throw new HttpError(
      409,
      `${IDEMPOTENCY_KEY_HEADER} "${key}" was already used with a different body; resend the original body to get its response, or use a new key for a new ${what}`,
    );
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    throw new HttpError(409, `a request with ${IDEMPOTENCY_KEY_HEADER} "${key}" is still being processed; retry shortly to get its response`);
  }
  throw error;
}
