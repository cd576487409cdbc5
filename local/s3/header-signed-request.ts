import { ALGORITHM_IDENTIFIER } from '@smithy/signature-v4';
import { s3Errors } from './s3-error.js';
import { S3_SERVICE, SCOPE_TERMINAL, checkSignature, parseAmzDate, parseQuery, type ReceivedRequest, type SigningAuthority } from './signature-check.js';

/*
 * A request signed in its Authorization header (what the SDK and the AWS CLI send) held to S3's rules: the header
 * parsed with S3's AuthorizationHeaderMalformed wording, then the signature recomputed from the canonical request
 * (S3 API reference, "Signature Calculations for the Authorization Header"). The payload is what x-amz-content-sha256
 * says it is; request-body.ts holds the body to a hex hash. The clock is not compared (RequestTimeTooSkewed is not
 * answered): the local stack's time knobs would otherwise refuse its own SDK clients.
 */

const malformed = (reason: string, fields: Record<string, string> = {}) => s3Errors.authorizationHeaderMalformed(`The authorization header is malformed; ${reason}`, fields);

/** Component name → value of `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
function componentsOf(authorization: string): Record<string, string> {
  return Object.fromEntries(
    authorization
      .slice(ALGORITHM_IDENTIFIER.length)
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const equals = part.indexOf('=');
        return equals === -1 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
      }),
  );
}

/** The request's X-Amz-Date, or its Date header in that form; undefined when it has neither. */
function requestTime(request: ReceivedRequest): { amzDate: string; signedAt: Date } | undefined {
  const amzDateHeader = request.headers['x-amz-date'];
  if (typeof amzDateHeader === 'string') {
    const signedAt = parseAmzDate(amzDateHeader);
    return signedAt && { amzDate: amzDateHeader, signedAt };
  }
  const dateHeader = request.headers.date;
  const parsed = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  if (Number.isNaN(parsed)) return undefined;
  const signedAt = new Date(Math.floor(parsed / 1000) * 1000);
  return { amzDate: signedAt.toISOString().replace(/[-:]|\.\d{3}/g, ''), signedAt };
}

/** Throws the S3Error S3 answers a header-signed request with, or returns when S3 would serve it. */
export async function verifyHeaderSignedRequest(request: ReceivedRequest, authorization: string, authority: SigningAuthority): Promise<void> {
  if (authorization.startsWith('AWS ')) throw s3Errors.invalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  if (!authorization.startsWith(`${ALGORITHM_IDENTIFIER} `)) throw s3Errors.invalidArgument('Unsupported Authorization Type', 'Authorization', authorization);
  const { Credential: credential, SignedHeaders: signedHeaderList, Signature: signature } = componentsOf(authorization);
  if (!credential || !signedHeaderList || !signature) throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');

  const scopeParts = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminal] = scopeParts;
  if (scopeParts.length !== 5 || !accessKeyId) throw malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  if (!/^\d{8}$/.test(scopeDate!)) throw malformed(`incorrect date format "${scopeDate}". This date in the credential must be in the format "yyyyMMdd".`);
  if (region !== authority.region) throw malformed(`the region '${region}' is wrong; expecting '${authority.region}'`, { Region: authority.region });
  if (service !== S3_SERVICE) throw malformed(`incorrect service "${service}". This endpoint belongs to "${S3_SERVICE}".`);
  if (terminal !== SCOPE_TERMINAL) throw malformed(`incorrect terminal "${terminal}". This endpoint uses "${SCOPE_TERMINAL}".`);

  const time = requestTime(request);
  if (time === undefined) throw s3Errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  if (time.amzDate.slice(0, 8) !== scopeDate) throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string') throw s3Errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');

  const secret = authority.secretOf(accessKeyId);
  if (secret === undefined) throw s3Errors.invalidAccessKeyId(accessKeyId);
  await checkSignature(request, {
    accessKeyId,
    secretAccessKey: secret,
    scopeDate: scopeDate!,
    region,
    ...time,
    signedHeaders: signedHeaderList.split(';'),
    signedQuery: parseQuery(request.query),
    payloadHash,
    signature,
  });
}
