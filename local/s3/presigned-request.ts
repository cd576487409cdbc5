import { ALGORITHM_IDENTIFIER, UNSIGNED_PAYLOAD } from '@smithy/signature-v4';
import { s3Errors } from './s3-error.js';
import { S3_SERVICE, SCOPE_TERMINAL, checkSignature, parseAmzDate, parseQuery, type QueryParameters, type ReceivedRequest, type SigningAuthority } from './signature-check.js';

/*
 * A presigned request (query-string SigV4) held to S3's rules: the parameters checked in the order and with the errors
 * S3 answers, then the signature recomputed from the canonical request with the key's secret (S3 API reference,
 * "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)").
 */

/** The parameters every presigned request carries; any one of them makes a request presigned. */
const AUTH_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'] as const;
/** A presigned URL lives at most seven days: its signing key is valid no longer. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
/** How far ahead of S3's clock X-Amz-Date may be (S3's allowed clock skew). */
const ALLOWED_SKEW_MS = 15 * 60_000;

export type { ReceivedRequest, SigningAuthority };

export const isPresigned = (query: string): boolean => {
  const parameters = parseQuery(query);
  return AUTH_PARAMETERS.some((name) => name in parameters);
};

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const single = (parameters: QueryParameters, name: string): string | undefined => {
  const value = parameters[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
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
  if (terminal !== SCOPE_TERMINAL) throw s3Errors.authorizationQueryParameters(`Error parsing the X-Amz-Credential parameter; incorrect terminal "${terminal}". This endpoint uses "${SCOPE_TERMINAL}".`);

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

  await checkSignature(request, {
    accessKeyId,
    secretAccessKey: secret,
    scopeDate: scopeDate!,
    region,
    amzDate,
    signedAt,
    signedHeaders,
    // Every parameter but X-Amz-Signature is signed, a session token included (the local S3 knows no session to check it against).
    signedQuery: parameters,
    // A presigned URL cannot know its body: S3 signs the constant, unless the URL itself carries a payload hash.
    payloadHash: single(parameters, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    signature,
  });
}
