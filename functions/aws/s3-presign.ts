import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { s3UriEncode } from '../domain/s3-uri-encode.js';

// The SDK's default chain (in a Lambda bundle, its environment link alone: lib/functions.ts aliases it), read once.
const credentials = defaultProvider();

/**
 * A presigned GET of one object (query-string SigV4, payload UNSIGNED-PAYLOAD as S3 wants), without an S3 client:
 * the client's schemas would be most of a small function's bundle. Locally AWS_ENDPOINT_URL_S3 names the local S3
 * (path-style); in AWS the bucket's regional virtual-hosted name.
 */
export async function presignedGetUrl(bucket: string, key: string, expiresInSeconds: number, now: Date): Promise<string> {
  // Lambda sets AWS_REGION; so does the local stack.
  const region = process.env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  const path = key.split('/').map(s3UriEncode).join('/');
  const url = endpoint ? new URL(`${endpoint.replace(/\/$/, '')}/${bucket}/${path}`) : new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256, uriEscapePath: false });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' && { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    },
    // The header only tells the signer the payload hash: it is neither sent nor signed.
    { expiresIn: expiresInSeconds, signingDate: now, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  const query = new URLSearchParams(Object.entries(presigned.query ?? {}).map(([name, value]): [string, string] => [name, String(value)]));
  return `${url.origin}${url.pathname}?${query}`;
}
