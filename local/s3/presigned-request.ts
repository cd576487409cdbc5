import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { ALGORITHM_IDENTIFIER, SignatureV4, UNSIGNED_PAYLOAD, getCanonicalHeaders } from '@smithy/signature-v4';
import { s3Errors } from './s3-error.js';

/*
 * A presigned request (query-string SigV4) held to S3's rules: the parameters checked in the order and with the errors
 * S3 answers, then the signature recomputed from the canonical request with the key's secret (S3 API reference,
 * "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)"). The SigV4 arithmetic is the SDK's own
 * (@smithy/signature-v4); only what S3 does differently from other services is written here.
 */

/** The parameters every presigned request carries; any one of them makes a request presigned. */
const AUTH_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'] as const;
/** A presigned URL lives at most seven days: its signing key is valid no longer. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
/** How far ahead of S3's clock X-Amz-Date may be (S3's allowed clock skew). */
const ALLOWED_SKEW_MS = 15 * 60_000;
const S3_SERVICE = 's3';
const TERMINAL = 'aws4_request';

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

type QueryParameters = Record<string, string | string[]>;

/** Malformed percent-encoding is kept as sent: it can then only fail to match a signature. */
const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** SigV4 query parsing: `+` is a plus sign, not a space (URLSearchParams would make it one and break the signature). */
function parseQuery(query: string): QueryParameters {
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

export const isPresigned = (query: string): boolean => {
  const parameters = parseQuery(query);
  return AUTH_PARAMETERS.some((name) => name in parameters);
};

/** S3's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ (encodeURIComponent leaves ! ' ( ) * as they are). */
export const s3UriEncode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** S3 signs the path it decoded, each segment encoded once more: not double-encoded, and `.`/`..` are key text, not steps. */
const canonicalUri = (path: string): string => path.split('/').map((segment) => s3UriEncode(decodeURIComponent(segment))).join('/');

/** The X-Amz-Date form (yyyyMMdd'T'HHmmss'Z') as a time; undefined when it is not one (e.g. month 13). */
function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '') === text ? date : undefined;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const bytesOf = (text: string): string => [...Buffer.from(text, 'utf8')].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

/** The SDK's signer, with the canonical request and string to sign it builds internally made callable for checking. */
class SignatureCheck extends SignatureV4 {
  constructor(accessKeyId: string, secretAccessKey: string, region: string, sessionToken: string | undefined) {
    // uriEscapePath false: S3 does not double-encode the path (canonicalUri has encoded it once).
    super({ service: S3_SERVICE, region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined && { sessionToken }) }, sha256: Sha256, uriEscapePath: false });
  }

  async stringToSign(request: Parameters<SignatureV4['presign']>[0], signedHeaders: readonly string[], payloadHash: string, amzDate: string, scope: string): Promise<{ canonicalRequest: string; stringToSign: string }> {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    return { canonicalRequest, stringToSign: await this.createStringToSign(amzDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER) };
  }
}

const single = (parameters: QueryParameters, name: string): string | undefined => {
  const value = parameters[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
};

/**
 * Throws the S3Error S3 answers a presigned request with, or returns when S3 would serve it: malformed parameters are
 * 400 AuthorizationQueryParametersError, a link past X-Amz-Date + X-Amz-Expires 403 "Request has expired", an unknown
 * key 403 InvalidAccessKeyId, and a signature other than the one the canonical request gives 403 SignatureDoesNotMatch.
 */
export async function verifyPresignedRequest(request: ReceivedRequest, authority: SigningAuthority, nowMs: number): Promise<void> {
  const parameters = parseQuery(request.query);
  const [algorithm, credential, signature, amzDate, signedHeaderList, expires] = AUTH_PARAMETERS.map((name) => single(parameters, name));
  if (algorithm === undefined || credential === undefined || signature === undefined || amzDate === undefined || signedHeaderList === undefined || expires === undefined) {
    throw s3Errors.authorizationQueryParameters('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (algorithm !== ALGORITHM_IDENTIFIER) throw s3Errors.authorizationQueryParameters(`X-Amz-Algorithm only supports "${ALGORITHM_IDENTIFIER}"`);

  const scopeParts = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminal] = scopeParts;
  if (scopeParts.length !== 5 || !accessKeyId) {
    throw s3Errors.authorizationQueryParameters('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  if (!/^\d{8}$/.test(scopeDate!)) throw s3Errors.authorizationQueryParameters(`Error parsing the X-Amz-Credential parameter; incorrect date format "${scopeDate}". This date in the credential must be in the format "yyyyMMdd".`);
  if (region !== authority.region) {
    throw s3Errors.authorizationQueryParameters(`Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${authority.region}'`, { Region: authority.region });
  }
  if (service !== S3_SERVICE) throw s3Errors.authorizationQueryParameters(`Error parsing the X-Amz-Credential parameter; incorrect service "${service}". This endpoint belongs to "${S3_SERVICE}".`);
  if (terminal !== TERMINAL) throw s3Errors.authorizationQueryParameters(`Error parsing the X-Amz-Credential parameter; incorrect terminal "${terminal}". This endpoint uses "${TERMINAL}".`);

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) throw s3Errors.authorizationQueryParameters(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (amzDate.slice(0, 8) !== scopeDate) throw s3Errors.authorizationQueryParameters(`Invalid credential date "${scopeDate}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);

  if (!/^-?\d+$/.test(expires)) throw s3Errors.authorizationQueryParameters('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 0) throw s3Errors.authorizationQueryParameters('X-Amz-Expires must be non-negative');
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw s3Errors.authorizationQueryParameters(`X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGNED_EXPIRES_SECONDS} seconds`);
  }

  // The time window before the key and the signature, as S3 checks them: an expired link says so whoever signed it.
  const expiresAtMs = signedAt.getTime() + expiresSeconds * 1000;
  if (nowMs > expiresAtMs) throw s3Errors.requestExpired(expires, isoSeconds(expiresAtMs), isoSeconds(nowMs));
  if (signedAt.getTime() - nowMs > ALLOWED_SKEW_MS) throw s3Errors.requestNotYetValid(amzDate, isoSeconds(nowMs));

  const secret = authority.secretOf(accessKeyId);
  if (secret === undefined) throw s3Errors.invalidAccessKeyId(accessKeyId);

  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) throw s3Errors.authorizationQueryParameters('X-Amz-SignedHeaders must include host (the local S3\'s wording: every SigV4 signature signs the host header)');

  const check = new SignatureCheck(accessKeyId, secret, region, single(parameters, 'X-Amz-Security-Token'));
  const scope = `${scopeDate}/${region}/${service}/${terminal}`;
  const { canonicalRequest, stringToSign } = await check.stringToSign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: '',
      path: canonicalUri(request.path),
      query: parameters,
      headers: Object.fromEntries(signedHeaders.map((name) => [name, headerValue(request.headers, name)])),
    },
    signedHeaders,
    // A presigned URL cannot know its body: S3 signs the constant, unless the URL itself carries a payload hash.
    single(parameters, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    amzDate,
    scope,
  );
  const expected = Buffer.from(await check.sign(stringToSign, { signingDate: signedAt, signingRegion: region, signingService: service }), 'utf8');
  const provided = Buffer.from(signature, 'utf8');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw s3Errors.signatureDoesNotMatch({
      AWSAccessKeyId: accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: signature,
      StringToSignBytes: bytesOf(stringToSign),
      CanonicalRequest: canonicalRequest,
      CanonicalRequestBytes: bytesOf(canonicalRequest),
    });
  }
}
