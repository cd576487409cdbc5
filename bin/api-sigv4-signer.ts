import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS, loadConfig } from '@smithy/core/config';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials, RequestAuthorizer } from './irdr-api-client.js';

/*
 * How the CLI signs its calls to the irdr API in AWS. Its own module: a command given a dev token (the local stack)
 * loads no signer and no credential chain.
 */

/**
 * SigV4 for API Gateway (service `execute-api`): signs method, path, query, host, x-amz-date and the body's
 * SHA-256 (x-amz-content-sha256); with temporary credentials x-amz-security-token too. `now` fixes the clock (tests).
 */
export function sigV4Signer(options: {
  region: string | (() => Promise<string>);
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  now?: () => Date;
}): RequestAuthorizer {
  const signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  return async (request) => {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port !== '' && { port: Number(request.url.port) }),
        path: request.url.pathname,
        query,
        // fetch sends Host from the URL (with the port when it is not the default): the same value is signed.
        headers: { ...request.headers, host: request.url.host },
        ...(request.body !== undefined && { body: request.body }),
      },
      options.now ? { signingDate: options.now() } : {},
    );
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}

/** The region an API Gateway default endpoint names (`<id>.execute-api.<region>.amazonaws.com`), if it is one. */
export function regionOfApiHost(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/**
 * SigV4 with the AWS SDK's default credential chain (environment, SSO, profiles, web identity, instance or
 * container role). The region: `--region`, else the one the API's host names, else the SDK's (AWS_REGION, profile).
 */
export function defaultChainSigner(apiUrl: URL, region: string | undefined): RequestAuthorizer {
  const resolvedRegion = region ?? regionOfApiHost(apiUrl);
  return sigV4Signer({
    region: resolvedRegion ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS),
    credentials: defaultProvider(),
  });
}
