import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sigv4ApiSigner } from '../../console/src/auth/api-signer.js';
import { signedHeaders } from '../../console/src/auth/sigv4.js';

/**
 * The console's SigV4 (AWS's @smithy/signature-v4 with @aws-crypto/sha256-browser) held to AWS's published SigV4 test
 * suite, and the API signer to what API Gateway behind CloudFront's /api/* behaviour will check.
 */
interface Vector {
  name: string;
  request: { method: string; pathWithQuery: string; headers: Array<[string, string]>; body?: string };
  sessionToken?: string;
  signBody?: boolean;
  canonicalRequest: string;
  signature: string;
}
const suite = JSON.parse(readFileSync(new URL('../fixtures/sigv4-test-suite.json', import.meta.url), 'utf8')) as {
  context: { accessKeyId: string; secretAccessKey: string; region: string; service: string; timestamp: string };
  vectors: Vector[];
};
const { context } = suite;

describe("the console's SigV4 against AWS's SigV4 test suite", () => {
  it.each(suite.vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const headers: Record<string, string> = {};
    let host = '';
    for (const [name, value] of vector.request.headers) {
      if (name.toLowerCase() === 'host') host = value;
      // A repeated header is one header with its values joined by commas (RFC 9110), as the browser's Headers keeps it.
      else headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
    // sign_body in the suite: the signer adds x-amz-content-sha256, the payload hash the canonical request ends with.
    if (vector.signBody) headers['x-amz-content-sha256'] = vector.canonicalRequest.split('\n').at(-1)!;
    const signed = await signedHeaders(
      { method: vector.request.method, pathWithQuery: vector.request.pathWithQuery, headers, body: vector.request.body },
      { host, region: context.region, service: context.service },
      { accessKeyId: context.accessKeyId, secretAccessKey: context.secretAccessKey, ...(vector.sessionToken && { sessionToken: vector.sessionToken }) },
      new Date(context.timestamp),
    );
    const signedHeaderList = vector.canonicalRequest.split('\n').at(-2);
    expect(signed['authorization']).toBe(
      `AWS4-HMAC-SHA256 Credential=${context.accessKeyId}/20150830/${context.region}/${context.service}/aws4_request, SignedHeaders=${signedHeaderList}, Signature=${vector.signature}`,
    );
  });

  it('covers the suite: paths, queries, UTF-8, header folding and order, session tokens, bodies', () => {
    expect(suite.vectors.length).toBeGreaterThanOrEqual(30);
    for (const name of ['get-vanilla', 'post-vanilla', 'get-utf8', 'get-vanilla-utf8-query', 'get-header-value-trim', 'get-vanilla-with-session-token', 'post-sts-header-before', 'post-x-www-form-urlencoded']) {
      expect(suite.vectors.map((vector) => vector.name)).toContain(name);
    }
  });
});

describe('the API signer (the browser calls /api/…, API Gateway checks its own host and path)', () => {
  const credentials = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' };
  const settings = { apiUrl: '/api', apiHost: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', region: 'eu-west-1' };
  const at = new Date('2026-12-07T15:00:00Z');
  const sign = sigv4ApiSigner(settings, async () => credentials, () => at);
  const body = JSON.stringify({ title: 'Suspicious console login', severity: 'SEV2' });
  const request = { method: 'POST', url: '/api/incidents?dryRun=false', headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body };

  it("signs for API Gateway's host and the path without /api, with the session token; sends the page's headers as they were and no Host", async () => {
    const headers = await sign(request);
    expect(headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': 'k-1', 'x-amz-date': '20261207T150000Z', 'x-amz-security-token': credentials.sessionToken });
    expect(headers).not.toHaveProperty('host');
    expect(headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE\/20261207\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    const expected = await signedHeaders({ method: 'POST', pathWithQuery: '/incidents?dryRun=false', headers: {}, body }, { host: settings.apiHost, region: 'eu-west-1', service: 'execute-api' }, credentials, at);
    expect(headers['authorization']).toBe(expected['authorization']);
  });

  it('binds the signature to the method, path, query and body: any change on the way is a different signature', async () => {
    const original = (await sign(request))['authorization'];
    const tampered = [
      { ...request, method: 'PUT' },
      { ...request, url: '/api/incidents?dryRun=true' },
      { ...request, url: '/api/drills?dryRun=false' },
      { ...request, body: body.replace('SEV2', 'SEV4') },
    ];
    for (const changed of tampered) expect((await sign(changed))['authorization']).not.toBe(original);
  });

  it("refuses to sign a call that is not to the console's API (credentials never sign for another host)", async () => {
    for (const url of ['https://attacker.example/api/incidents', '/apiary/incidents', '//attacker.example/api/incidents', 'incidents']) {
      await expect(sign({ ...request, url })).rejects.toThrow(/signs only calls to its API/);
    }
  });
});
