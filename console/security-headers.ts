/*
 * The headers every console response carries, locally (local/console/console-pages.ts) and from CloudFront
 * (lib/console-stack.ts): one definition. Scripts and styles only from the console's own origin, no inline code,
 * data only from the API (and, in AWS, Cognito), never framed.
 */

/** The Content-Security-Policy for a console whose API calls go to `connectSources` ('self' when served from the API's origin). */
export function consoleContentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${connectSources.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The other security headers, as CloudFront's response headers policy names them too. */
export const CONSOLE_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;
