/*
 * The console calls the API on its own origin: CloudFront's /api/* behaviour (lib/console-stack.ts) sends those calls
 * to API Gateway. One definition of the prefix, used by the behaviour, its function and the console's config.json.
 */

/** The path under which the console's origin serves the API. */
export const CONSOLE_API_PREFIX = '/api';

/**
 * The CloudFront Function (viewer request, cloudfront-js-2.0) that takes the prefix off, so API Gateway sees its own
 * routes (/incidents, not /api/incidents) — the path the browser signed.
 */
export const STRIP_API_PREFIX_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('${CONSOLE_API_PREFIX}/') === 0) request.uri = request.uri.substring(${CONSOLE_API_PREFIX.length});
  return request;
}`;
