import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPresignedRequest, type ReceivedRequest, type SigningAuthority } from '../../local/s3/presigned-request.js';
import { S3Error } from '../../local/s3/s3-error.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';

/*
 * AWS's own example, copied from the S3 API reference, "Authenticating Requests: Using Query Parameters (AWS Signature
 * Version 4)", section "An Example": a GET of examplebucket/test.txt valid 24 hours, signed 2013-05-24T00:00:00Z with
 * the documentation's example key. The page gives the canonical request, the string to sign and the signature.
 */
const AWS_EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  host: 'examplebucket.s3.amazonaws.com',
  path: '/test.txt',
  query:
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  canonicalRequest: [
    'GET',
    '/test.txt',
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
    'host:examplebucket.s3.amazonaws.com',
    '',
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n'),
  stringToSign: ['AWS4-HMAC-SHA256', '20130524T000000Z', '20130524/us-east-1/s3/aws4_request', '3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04'].join('\n'),
};
const SIGNED_AT = Date.UTC(2013, 4, 24, 0, 0, 0);
const awsAuthority: SigningAuthority = { region: 'us-east-1', secretOf: (id) => (id === AWS_EXAMPLE.accessKeyId ? AWS_EXAMPLE.secretAccessKey : undefined) };

const example = (change: Partial<ReceivedRequest> = {}): ReceivedRequest => ({ method: 'GET', path: AWS_EXAMPLE.path, query: AWS_EXAMPLE.query, headers: { host: AWS_EXAMPLE.host }, ...change });
/** The example's query with one parameter set to another value (undefined: taken out), the others as signed. */
const withParameter = (name: string, value: string | undefined): string => {
  const pairs = AWS_EXAMPLE.query.split('&').filter((pair) => !pair.startsWith(`${name}=`));
  return [...pairs, ...(value === undefined ? [] : [`${name}=${encodeURIComponent(value)}`])].join('&');
};

/** The S3Error a check refuses with (code, status, message and fields), or 'served'. */
async function refusalOf(check: () => Promise<unknown>) {
  try {
    await check();
    return 'served';
  } catch (error) {
    if (!(error instanceof S3Error)) throw error;
    return { code: error.code, status: error.statusCode, message: error.message, fields: error.fields };
  }
}

/** How a presigned request fares. */
const outcome = (request: ReceivedRequest, nowMs = SIGNED_AT + 3_600_000, authority = awsAuthority) => refusalOf(() => verifyPresignedRequest(request, authority, nowMs));

describe("AWS's published presigned URL example", () => {
  it('is served as signed, and S3 computes the canonical request and string to sign the page gives', async () => {
    expect(await outcome(example())).toBe('served');
    // One hex digit of the signature changed: refused, and the error shows what S3 signed (the page's strings, exactly).
    const forged = await outcome(example({ query: withParameter('X-Amz-Signature', 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d405') }));
    expect(forged).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403, fields: { AWSAccessKeyId: AWS_EXAMPLE.accessKeyId, StringToSign: AWS_EXAMPLE.stringToSign, CanonicalRequest: AWS_EXAMPLE.canonicalRequest } });
    expect((forged as { message: string }).message).toBe('The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  });

  it('lives from X-Amz-Date to X-Amz-Date + X-Amz-Expires: a millisecond later it has expired, whoever signed it', async () => {
    expect(await outcome(example(), SIGNED_AT)).toBe('served');
    expect(await outcome(example(), SIGNED_AT + 86_400_000)).toBe('served');
    expect(await outcome(example(), SIGNED_AT + 86_400_001)).toEqual({
      code: 'AccessDenied',
      status: 403,
      message: 'Request has expired',
      fields: { 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00Z', ServerTime: '2013-05-25T00:00:00Z' },
    });
    // Signed for later than S3's clock allows for skew (15 minutes): not yet valid.
    expect(await outcome(example(), SIGNED_AT - 14 * 60_000)).toBe('served');
    expect(await outcome(example(), SIGNED_AT - 16 * 60_000)).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request is not yet valid' });
  });

  it.each([
    ['another object', example({ path: '/other.txt' })],
    ['the key with a different case', example({ path: '/Test.txt' })],
    ['another bucket (host)', example({ headers: { host: 'otherbucket.s3.amazonaws.com' } })],
    ['PUT with a GET link', example({ method: 'PUT' })],
    ['DELETE with a GET link', example({ method: 'DELETE' })],
    ['HEAD with a GET link', example({ method: 'HEAD' })],
    ['a longer X-Amz-Expires', example({ query: withParameter('X-Amz-Expires', '604800') })],
    ['a later X-Amz-Date', example({ query: withParameter('X-Amz-Date', '20130524T000100Z') })],
    ['an added query parameter', example({ query: `${AWS_EXAMPLE.query}&response-content-type=text%2Fhtml` })],
    ['the signature in capitals', example({ query: withParameter('X-Amz-Signature', 'AEEED9BBCCD4D02EE5C0109B86D86835F995330DA4C265957D157751F604D404') })],
    ['a truncated signature', example({ query: withParameter('X-Amz-Signature', 'aeeed9bbccd4d02ee5c0109b86d86835') })],
  ])('refuses %s with SignatureDoesNotMatch (403)', async (_, request) => {
    expect(await outcome(request)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses a signature made with another secret, and an access key S3 does not know', async () => {
    expect(await outcome(example(), undefined, { region: 'us-east-1', secretOf: () => 'another-secret' })).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await outcome(example(), undefined, { region: 'us-east-1', secretOf: () => undefined })).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      fields: { AWSAccessKeyId: AWS_EXAMPLE.accessKeyId },
    });
  });

  const credential = (value: string) => example({ query: withParameter('X-Amz-Credential', value) });
  it.each([
    ['no signature', example({ query: withParameter('X-Amz-Signature', undefined) }), 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.'],
    ['an empty signature', example({ query: withParameter('X-Amz-Signature', '') }), 'Query-string authentication version 4 requires'],
    ['no X-Amz-Expires', example({ query: withParameter('X-Amz-Expires', undefined) }), 'Query-string authentication version 4 requires'],
    ['X-Amz-Expires twice', example({ query: `${AWS_EXAMPLE.query}&X-Amz-Expires=604800` }), 'Query-string authentication version 4 requires'],
    ['another algorithm', example({ query: withParameter('X-Amz-Algorithm', 'AWS4-HMAC-SHA1') }), 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'],
    ['a credential of four parts', credential('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3'), 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'],
    ['a scope date of seven digits', credential('AKIAIOSFODNN7EXAMPLE/2013052/us-east-1/s3/aws4_request'), 'incorrect date format "2013052". This date in the credential must be in the format "yyyyMMdd".'],
    ['another service', credential('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/ec2/aws4_request'), 'incorrect service "ec2". This endpoint belongs to "s3".'],
    ['another terminal', credential('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_reques'), 'incorrect terminal "aws4_reques". This endpoint uses "aws4_request".'],
    ['a scope date that is not the date of X-Amz-Date', credential('AKIAIOSFODNN7EXAMPLE/20130523/us-east-1/s3/aws4_request'), 'Invalid credential date "20130523". This date is not the same as X-Amz-Date: "20130524".'],
    ['an extended ISO 8601 X-Amz-Date', example({ query: withParameter('X-Amz-Date', '2013-05-24T00:00:00Z') }), `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`],
    ['a thirteenth month', example({ query: withParameter('X-Amz-Date', '20131324T000000Z') }), 'X-Amz-Date must be in the ISO8601 Long Format'],
    ['X-Amz-Expires that is not a number', example({ query: withParameter('X-Amz-Expires', 'forever') }), 'X-Amz-Expires should be a number'],
    ['a negative X-Amz-Expires', example({ query: withParameter('X-Amz-Expires', '-1') }), 'X-Amz-Expires must be non-negative'],
    ['X-Amz-Expires over a week', example({ query: withParameter('X-Amz-Expires', '604801') }), 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds'],
    ['X-Amz-Expires past 2^53', example({ query: withParameter('X-Amz-Expires', '99999999999999999999') }), 'X-Amz-Expires must be less than a week'],
    ['signed headers without host', example({ query: withParameter('X-Amz-SignedHeaders', 'range') }), 'X-Amz-SignedHeaders must include host'],
  ])('refuses %s with AuthorizationQueryParametersError (400), before any signature is computed', async (_, request, message) => {
    const refused = await outcome(request);
    expect(refused).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    expect((refused as { message: string }).message).toContain(message);
  });

  it('names the region it answers for when the credential scope names another', async () => {
    expect(await outcome(credential('AKIAIOSFODNN7EXAMPLE/20130524/us-west-2/s3/aws4_request'))).toEqual({
      code: 'AuthorizationQueryParametersError',
      status: 400,
      message: "Error parsing the X-Amz-Credential parameter; the region 'us-west-2' is wrong; expecting 'us-east-1'",
      fields: { Region: 'us-east-1' },
    });
  });
});

describe("the export link's presigner (functions/aws/s3-presign.ts), as the local S3 checks it", () => {
  const saved = { ...process.env };
  const localAuthority: SigningAuthority = { region: LOCAL_REGION, secretOf: (id) => (id === LOCAL_CREDENTIALS.accessKeyId ? LOCAL_CREDENTIALS.secretAccessKey : undefined) };
  beforeAll(() => {
    Object.assign(process.env, { AWS_REGION: LOCAL_REGION, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  const asReceived = (url: string, method = 'GET'): ReceivedRequest => {
    const parsed = new URL(url);
    return { method, path: parsed.pathname, query: parsed.search.slice(1), headers: { host: parsed.host } };
  };

  it("signs keys with S3's encoding, so a key with ( ) ' ! * or spaces downloads rather than failing its own signature", async () => {
    const { presignedGetUrl } = await import('../../functions/aws/s3-presign.js');
    const now = new Date();
    for (const key of ['exports/ex-0123/irdr-evidence_20230101T000000Z_20240101T000000Z.zip', "exports/audit (final)/Q1's report!*.zip", 'exports/réunion 2026/a+b=c.zip']) {
      const url = await presignedGetUrl('irdr-local-evidence-exports', key, 300, now);
      expect(await outcome(asReceived(url), now.getTime(), localAuthority)).toBe('served');
      expect(await outcome(asReceived(url, 'DELETE'), now.getTime(), localAuthority)).toMatchObject({ code: 'SignatureDoesNotMatch' });
      expect(await outcome(asReceived(url), now.getTime() + 300_001, localAuthority)).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    }
  });
});

describe("a header-signed request (the SDK's, the CLI's), and AWS's published GET Object example", () => {
  // S3 API reference, "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk",
  // Example: GET Object (the first 10 bytes of examplebucket/test.txt), with the same example key.
  const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const authorization = (signature = 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41', credential = 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request') =>
    `AWS4-HMAC-SHA256 Credential=${credential},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=${signature}`;
  const getObject = (change: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
    method: 'GET',
    path: '/test.txt',
    query: '',
    headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': '20130524T000000Z' },
    ...change,
  });
  const headerOutcome = async (request: ReceivedRequest, header = authorization(), authority = awsAuthority) => {
    const { verifyHeaderSignedRequest } = await import('../../local/s3/header-signed-request.js');
    return refusalOf(() => verifyHeaderSignedRequest(request, header, authority));
  };

  it('serves the example as signed, and refuses it re-aimed, with another range, or another method', async () => {
    expect(await headerOutcome(getObject())).toBe('served');
    for (const tampered of [getObject({ path: '/other.txt' }), getObject({ headers: { ...getObject().headers, range: 'bytes=0-99' } }), getObject({ method: 'DELETE' }), getObject({ query: 'versionId=1' })]) {
      expect(await headerOutcome(tampered)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    }
  });

  it("refuses a malformed header with S3's AuthorizationHeaderMalformed, before any signature is computed", async () => {
    expect(await headerOutcome(getObject(), authorization(undefined, 'AKIAIOSFODNN7EXAMPLE/20130524/eu-west-1/s3/aws4_request'))).toEqual({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
      fields: { Region: 'us-east-1' },
    });
    expect(await headerOutcome(getObject(), 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request')).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
    expect(await headerOutcome(getObject({ headers: { ...getObject().headers, 'x-amz-date': '20130525T000000Z' } }))).toMatchObject({ code: 'AuthorizationHeaderMalformed', message: expect.stringContaining('Invalid credential date') });
    expect(await headerOutcome(getObject({ headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-date': '20130524T000000Z' } }))).toMatchObject({ code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' });
    expect(await headerOutcome(getObject(), 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=')).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await headerOutcome(getObject(), undefined, { region: 'us-east-1', secretOf: () => undefined })).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });
});
