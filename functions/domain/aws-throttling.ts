/**
 * The error names AWS services give a request refused for rate (as the AWS SDK and the Step Functions Retry name them):
 * the SDK has already retried them when a handler sees one, and the same request may succeed a moment later.
 */
export const THROTTLING_ERRORS = ['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException'] as const;

/** The throttling error behind `error` (itself or a cause, e.g. Powertools' persistence error wrapping DynamoDB's), if any. */
export function throttlingErrorIn(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if ((THROTTLING_ERRORS as readonly string[]).includes(current.name)) return current;
  }
  return undefined;
}

/** A request refused for rate, told in the words of the operation that met it (e.g. "no run was started"): a 503 to an API caller. */
export class ThrottledRequestError extends Error {
  override name = 'ThrottledRequest';
}
