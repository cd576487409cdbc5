import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { ALGORITHM_IDENTIFIER, SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import { s3UriEncode } from '../../functions/domain/s3-uri-encode.js';
import { s3Errors } from './s3-error.js';

/*
 * What S3 signs, recomputed: the canonical request, the string to sign and the signature of a SigV4 request, whether
 * its signature came in the query (presigned) or the Authorization header. The SigV4 arithmetic is the SDK's own
 * (@smithy/signature-v4); only what S3 does differently from other services is written here.
 */

export const S3_SERVICE = 's3';
export const SCOPE_TERMINAL = 'aws4_request';

/** Who may sign: the region this S3 answers for and the secret of each access key it knows. */
export interface SigningAuthority {
  readonly region: string;
  /** The secret access key of an access key id; undefined for an id S3 does not know. */
  secretOf(accessKeyId: string): string | undefined;
}

/** A request as it arrived: the path and query exactly as sent (still percent-encoded). */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** The query string without its `?`. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
}

export type QueryParameters = Record<string, string | string[]>;

/** Malformed percent-encoding is kept as sent: it can then only fail to match a signature. */
const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** SigV4 query parsing: `+` is a plus sign, not a space (URLSearchParams would make it one and break the signature). */
export function parseQuery(query: string): QueryParameters {
  const parameters: QueryParameters = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decoded(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decoded(pair.slice(equals + 1));
    const seen = parameters[name];
    parameters[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return parameters;
}


/** S3 signs the path it decoded, each segment encoded once more: not double-encoded, and `.`/`..` are key text, not steps. */
const canonicalUri = (path: string): string => path.split('/').map((segment) => s3UriEncode(decodeURIComponent(segment))).join('/');

/** The X-Amz-Date form (yyyyMMdd'T'HHmmss'Z') as a time; undefined when it is not one (e.g. month 13). */
export function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '') === text ? date : undefined;
}

const bytesOf = (text: string): string => [...Buffer.from(text, 'utf8')].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
};

/** The SDK's signer, with the canonical request and string to sign it builds internally made callable for checking. */
class SignatureRecomputation extends SignatureV4 {
  constructor(accessKeyId: string, secretAccessKey: string, region: string) {
    // uriEscapePath false: S3 does not double-encode the path (canonicalUri has encoded it once).
    super({ service: S3_SERVICE, region, credentials: { accessKeyId, secretAccessKey }, sha256: Sha256, uriEscapePath: false });
  }

  async strings(request: Parameters<SignatureV4['presign']>[0], signedHeaders: readonly string[], payloadHash: string, amzDate: string, scope: string): Promise<{ canonicalRequest: string; stringToSign: string }> {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    return { canonicalRequest, stringToSign: await this.createStringToSign(amzDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER) };
  }
}

/** A parsed SigV4 signature: who signed, for which scope and time, which headers, and the signature given. */
export interface ClaimedSignature {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly amzDate: string;
  readonly signedAt: Date;
  readonly signedHeaders: readonly string[];
  /** The request's query parameters: all are signed but X-Amz-Signature, which SigV4 leaves out. */
  readonly signedQuery: QueryParameters;
  readonly payloadHash: string;
  readonly signature: string;
}

/** Returns when the signature is the one the canonical request gives; throws SignatureDoesNotMatch (403) otherwise. */
export async function checkSignature(request: ReceivedRequest, claim: ClaimedSignature): Promise<void> {
  const recomputation = new SignatureRecomputation(claim.accessKeyId, claim.secretAccessKey, claim.region);
  const { canonicalRequest, stringToSign } = await recomputation.strings(
    {
      method: request.method,
      protocol: 'http:',
      hostname: '',
      path: canonicalUri(request.path),
      query: claim.signedQuery,
      headers: Object.fromEntries(claim.signedHeaders.map((name) => [name, headerValue(request.headers, name)])),
    },
    claim.signedHeaders,
    claim.payloadHash,
    claim.amzDate,
    `${claim.scopeDate}/${claim.region}/${S3_SERVICE}/${SCOPE_TERMINAL}`,
  );
  const expected = Buffer.from(await recomputation.sign(stringToSign, { signingDate: claim.signedAt, signingRegion: claim.region, signingService: S3_SERVICE }), 'utf8');
  const provided = Buffer.from(claim.signature, 'utf8');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw s3Errors.signatureDoesNotMatch({
      AWSAccessKeyId: claim.accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: claim.signature,
      StringToSignBytes: bytesOf(stringToSign),
      CanonicalRequest: canonicalRequest,
      CanonicalRequestBytes: bytesOf(canonicalRequest),
    });
  }
}
