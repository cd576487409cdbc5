import type { SignRequest } from '../api.js';
import { signedHeaders, type AwsCredentials } from './sigv4.js';

/*
 * How the console signs an API call in AWS. The browser calls the API on the console's own origin (CloudFront's /api/*
 * behaviour, lib/console-stack.ts); CloudFront strips /api and sends it to API Gateway with API Gateway's own Host.
 * So the signature is made for what API Gateway sees: its host, the path without the prefix, the body. Only `host`
 * and the x-amz-* headers are signed: the browser and CloudFront may touch the others (accept, content-type).
 */

export interface ApiSigningSettings {
  /** The prefix the console calls the API under ('/api'). */
  readonly apiUrl: string;
  /** The API's own host (<api-id>.execute-api.<region>.amazonaws.com): the one its IAM authorizer checks. */
  readonly apiHost: string;
  readonly region: string;
}

export function sigv4ApiSigner(settings: ApiSigningSettings, credentials: () => Promise<AwsCredentials>, now: () => Date = () => new Date()): SignRequest {
  return async ({ method, url, headers, body }) => {
    if (!url.startsWith(`${settings.apiUrl}/`)) throw new Error(`the console signs only calls to its API (${settings.apiUrl}/…), not ${url}`);
    const pathWithQuery = url.slice(settings.apiUrl.length);
    const signed = await signedHeaders({ method, pathWithQuery, headers: {}, body }, { host: settings.apiHost, region: settings.region, service: 'execute-api' }, await credentials(), now());
    // The browser sets Host itself (it is CloudFront's there; CloudFront sends API Gateway's).
    const { host: _host, ...authorization } = signed;
    return { ...headers, ...authorization };
  };
}
