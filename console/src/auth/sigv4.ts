import { Sha256 } from '@aws-crypto/sha256-browser';
import { SignatureV4 } from '@smithy/signature-v4';

/*
 * SigV4 in the browser with AWS's own signer (@smithy/signature-v4, the one every AWS SDK v3 client runs) and
 * AWS's browser SHA-256 (@aws-crypto/sha256-browser: WebCrypto, pure JS where WebCrypto is absent): no signing code
 * of our own. Checked against AWS's published SigV4 test suite (tests/unit/console-sigv4.test.ts).
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where a signature is valid: the host the service sees (not the one the browser calls), its region and service. */
export interface SigningScope {
  readonly host: string;
  readonly region: string;
  readonly service: string;
}

/** A request as the service receives it: a path with its raw (percent-encoded) query, headers to sign, a body. */
export interface RequestToSign {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** The headers to send: those given, plus `authorization`, `x-amz-date` and (temporary credentials) `x-amz-security-token`. */
export async function signedHeaders(request: RequestToSign, scope: SigningScope, credentials: AwsCredentials, signingDate: Date = new Date()): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region: scope.region, service: scope.service, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  const [path, rawQuery] = splitOnce(request.pathWithQuery, '?');
  const signed = await signer.sign(
    { method: request.method, protocol: 'https:', hostname: scope.host, path, query: queryOf(rawQuery), headers: { ...request.headers, host: scope.host }, ...(request.body !== undefined && { body: request.body }) },
    { signingDate },
  );
  return signed.headers;
}

/** The query as the signer wants it (decoded; it encodes each name and value itself, RFC 3986), repeated names kept. */
function queryOf(rawQuery: string | undefined): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of (rawQuery ?? '').split('&').filter(Boolean)) {
    const [rawName, rawValue = ''] = splitOnce(pair, '=');
    const name = decodeURIComponent(rawName);
    const value = decodeURIComponent(rawValue);
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
