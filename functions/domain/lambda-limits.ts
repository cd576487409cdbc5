/** Lambda's quota on a synchronous invocation's response (6 MB): API handlers stay under it, and the local runtime enforces it. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** A handler's result as Lambda counts it against that quota: serialized as JSON (a base64 body counts encoded). */
export const lambdaResponseBytes = (result: unknown): number => Buffer.byteLength(JSON.stringify(result ?? null), 'utf8');
