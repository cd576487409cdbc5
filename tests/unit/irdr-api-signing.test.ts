import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { regionOfApiHost, sigV4Signer } from '../../bin/api-sigv4-signer.js';
import { bearerToken, irdrApiClient, type AwsCredentials } from '../../bin/irdr-api-client.js';

/*
 * How `irdr incidents` signs its requests when no dev token is given. In AWS the HTTP API's IAM authorizer checks
 * the SigV4 signature; that authorizer exists only in AWS (no emulator has it, and the local stack authorizes dev
 * tokens instead), so what can be tested here is the signing: what goes on the wire, recomputed independently.
 */

const CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const AT = new Date('2026-01-15T10:30:00Z');
const API_URL = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/';

interface Sent {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A client whose fetch records what it would have sent and answers 200 `{}`. */
function recordingClient(authorize = sigV4Signer({ region: 'eu-west-1', credentials: CREDENTIALS, now: () => AT })) {
  const sent: Sent[] = [];
  const client = irdrApiClient({
    apiUrl: API_URL,
    authorize,
    fetch: async (input, init) => {
      sent.push({
        url: new URL(String(input)),
        method: init?.method ?? 'GET',
        headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([name, value]) => [name.toLowerCase(), value])),
        ...(typeof init?.body === 'string' && { body: init.body }),
      });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, sent };
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** The Authorization header's parts: `AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=a;b, Signature=<hex>`. */
function authorizationOf(sent: Sent) {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(sent.headers.authorization ?? '');
  if (!match) throw new Error(`not a SigV4 Authorization header: ${sent.headers.authorization}`);
  const [, accessKeyId, scope, signedHeaders, signature] = match as unknown as [string, string, string, string, string];
  return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * The signature as the service recomputes it from the request it received (AWS's SigV4 steps, written out here
 * apart from the signer): canonical request, string to sign, derived key.
 */
function expectedSignature(sent: Sent, secretAccessKey: string): string {
  const { scope, signedHeaders } = authorizationOf(sent);
  const [date, region, service] = scope.split('/') as [string, string, string];
  const headers: Record<string, string> = { ...sent.headers, host: sent.url.host };
  const query = sent.url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => pair.split('=').map((part) => rfc3986(decodeURIComponent(part))).join('='))
    .sort()
    .join('&');
  const canonicalRequest = [
    sent.method,
    sent.url.pathname,
    query,
    ...signedHeaders.map((name) => `${name}:${(headers[name] ?? '').trim()}`),
    '',
    signedHeaders.join(';'),
    sha256Hex(sent.body ?? ''),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', sent.headers['x-amz-date'], scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return hmac(key, stringToSign).toString('hex');
}

describe('irdr incidents: SigV4 for the HTTP API (service execute-api)', () => {
  it('signs for <date>/<region>/execute-api/aws4_request over host, x-amz-date and the body hash; no token header', async () => {
    const { client, sent } = recordingClient();
    await client.request('POST', '/incidents', { body: { runbookId: 'security-incident', title: 'T', severity: 'SEV4', summary: 's' }, headers: { 'idempotency-key': 'k-1' } });
    const [request] = sent;
    const authorization = authorizationOf(request!);

    expect(authorization.accessKeyId).toBe('AKIDEXAMPLE');
    expect(authorization.scope).toBe('20260115/eu-west-1/execute-api/aws4_request');
    expect(authorization.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-content-sha256', 'idempotency-key', 'content-type']));
    expect(request!.headers['x-amz-date']).toBe('20260115T103000Z');
    expect(request!.headers['x-amz-content-sha256']).toBe(sha256Hex(request!.body!));
    // No dev token, and no session token without temporary credentials; fetch sets Host from the URL itself.
    expect(request!.headers.authorization).not.toMatch(/^Bearer/);
    expect(request!.headers).not.toHaveProperty('x-amz-security-token');
    expect(request!.headers).not.toHaveProperty('host');
    expect(authorization.signature).toBe(expectedSignature(request!, CREDENTIALS.secretAccessKey));
  });

  it('the signature covers the body: another body, another signature', async () => {
    const { client, sent } = recordingClient();
    await client.request('POST', '/incidents/i-1/notes', { body: { text: 'first' } });
    await client.request('POST', '/incidents/i-1/notes', { body: { text: 'second' } });
    const [first, second] = sent.map((request) => authorizationOf(request));
    expect(first!.signature).not.toBe(second!.signature);
    expect(sent[0]!.headers['x-amz-content-sha256']).not.toBe(sent[1]!.headers['x-amz-content-sha256']);
    for (const request of sent) expect(authorizationOf(request).signature).toBe(expectedSignature(request, CREDENTIALS.secretAccessKey));
  });

  it('signs the query as it is sent (commas, colons, a stage in the path)', async () => {
    const { client, sent } = recordingClient();
    await client.request('GET', '/incidents', { query: { status: 'open,acknowledged', from: '2026-01-01T00:00:00Z', limit: 10, to: undefined } });
    const [request] = sent;
    expect(request!.url.search).toBe('?status=open%2Cacknowledged&from=2026-01-01T00%3A00%3A00Z&limit=10');
    expect(authorizationOf(request!).signature).toBe(expectedSignature(request!, CREDENTIALS.secretAccessKey));

    const staged = irdrApiClient({
      apiUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/',
      authorize: sigV4Signer({ region: 'eu-west-1', credentials: CREDENTIALS, now: () => AT }),
      fetch: async (input, init) => {
        sent.push({ url: new URL(String(input)), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string> });
        return new Response('{}');
      },
    });
    await staged.request('GET', '/incidents/i-1');
    expect(sent[1]!.url.pathname).toBe('/prod/incidents/i-1');
    expect(authorizationOf(sent[1]!).signature).toBe(expectedSignature(sent[1]!, CREDENTIALS.secretAccessKey));
  });

  it('temporary credentials send and sign x-amz-security-token', async () => {
    const { client, sent } = recordingClient(sigV4Signer({ region: 'eu-west-1', credentials: { ...CREDENTIALS, sessionToken: 'session-token-1' }, now: () => AT }));
    await client.request('GET', '/incidents');
    expect(sent[0]!.headers['x-amz-security-token']).toBe('session-token-1');
    expect(authorizationOf(sent[0]!).signedHeaders).toContain('x-amz-security-token');
    expect(authorizationOf(sent[0]!).signature).toBe(expectedSignature(sent[0]!, CREDENTIALS.secretAccessKey));
  });

  it('with a dev token: Authorization Bearer and nothing of SigV4', async () => {
    const { client, sent } = recordingClient(bearerToken('dev-responder'));
    await client.request('GET', '/incidents');
    expect(sent[0]!.headers.authorization).toBe('Bearer dev-responder');
    expect(Object.keys(sent[0]!.headers).filter((name) => name.startsWith('x-amz-'))).toEqual([]);
  });

  it('reads the region from an API Gateway default endpoint', () => {
    expect(regionOfApiHost(new URL(API_URL))).toBe('eu-west-1');
    expect(regionOfApiHost(new URL('http://127.0.0.1:3000'))).toBeUndefined();
    expect(regionOfApiHost(new URL('https://irdr.example.com/'))).toBeUndefined();
  });
});
