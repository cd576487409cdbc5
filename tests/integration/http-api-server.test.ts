import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DevTokens } from '../../local/dev-identities.js';
import { startLocalHttpApi, type LocalHttpApi } from '../../local/http-api/server.js';

/** This server's tokens; tests name the identities (dev-auditor, ...), and unknown names stay unknown tokens. */
const tokens = DevTokens.generate();
const identityForToken = (token: string) => tokens.identityFor(token);

type Invocation = { functionName: string; event: APIGatewayProxyEventV2WithIAMAuthorizer };
type Behaviour = (event: APIGatewayProxyEventV2WithIAMAuthorizer) => Promise<unknown>;

describe('local HTTP API server', () => {
  let api: LocalHttpApi;
  let ready = false;
  let invocations: Invocation[] = [];
  let behaviour: Behaviour;
  const errors: string[] = [];

  beforeAll(async () => {
    api = await startLocalHttpApi({
      port: 0,
      routes: [
        { method: 'POST', path: '/incidents', functionName: 'CreateIncident' },
        { method: 'GET', path: '/incidents/{incidentId}', functionName: 'GetIncident' },
        { method: 'ANY', path: '/files/{proxy+}', functionName: 'Files' },
      ],
      invoke: async (functionName, event) => {
        invocations.push({ functionName, event });
        return behaviour(event);
      },
      isReady: () => ready,
      identityForToken,
      maxBodyBytes: 64 * 1024,
      integrationTimeoutMs: 300,
      onError: (routeKey, error) => errors.push(`${routeKey}: ${(error as Error).message}`),
    });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    invocations = [];
    errors.length = 0;
    behaviour = async () => ({ statusCode: 200, body: 'ok' });
  });

  const call = (path: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${tokens.tokenForName(init.token)}`);
    return fetch(`${api.url}${path}`, { ...init, headers });
  };

  it('listens on 127.0.0.1 on the port it was given', () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect(api.port).toBeGreaterThan(0);
  });

  it('answers GET /health only when the stack is ready, without auth', async () => {
    ready = false;
    const starting = await call('/health');
    expect(starting.status).toBe(503);
    expect(await starting.json()).toMatchObject({ status: 'starting' });
    ready = true;
    const up = await call('/health');
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', routes: 3 });
    expect(invocations).toEqual([]);
  });

  it('calls the route’s function with a format 2.0 event and returns its response', async () => {
    behaviour = async (event) => ({
      statusCode: 201,
      headers: { 'content-type': 'application/json', location: `/incidents/INC-1` },
      cookies: ['seen=1; Path=/', 'theme=dark'],
      body: JSON.stringify({ incidentId: 'INC-1', caller: event.requestContext.authorizer.iam.userArn }),
    });
    const response = await call('/incidents?dryRun=true', {
      method: 'POST',
      token: 'dev-responder',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', cookie: 'a=b' },
      body: JSON.stringify({ title: 'Suspicious console login' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/incidents/INC-1');
    expect(response.headers.getSetCookie()).toEqual(['seen=1; Path=/', 'theme=dark']);
    expect(response.headers.get('apigw-requestid')).toMatch(/\S+/);
    expect(await response.json()).toEqual({ incidentId: 'INC-1', caller: 'arn:aws:iam::000000000000:user/rita-responder' });

    expect(invocations).toHaveLength(1);
    const [{ functionName, event }] = invocations as [Invocation];
    expect(functionName).toBe('CreateIncident');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /incidents',
      rawPath: '/incidents',
      rawQueryString: 'dryRun=true',
      queryStringParameters: { dryRun: 'true' },
      cookies: ['a=b'],
      body: '{"title":"Suspicious console login"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        stage: '$default',
        routeKey: 'POST /incidents',
        http: { method: 'POST', path: '/incidents', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        authorizer: { iam: { userArn: 'arn:aws:iam::000000000000:user/rita-responder', accountId: '000000000000', cognitoIdentity: null } },
      },
    });
    expect(event.headers['idempotency-key']).toBe('k-1');
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
  });

  it('fills path parameters, including a greedy one', async () => {
    await call('/incidents/INC-7', { token: 'dev-auditor' });
    await call('/files/evidence/2026/report.pdf', { method: 'DELETE', token: 'dev-admin' });
    expect(invocations.map(({ functionName, event }) => [functionName, event.routeKey, event.pathParameters])).toEqual([
      ['GetIncident', 'GET /incidents/{incidentId}', { incidentId: 'INC-7' }],
      ['Files', 'ANY /files/{proxy+}', { proxy: 'evidence/2026/report.pdf' }],
    ]);
  });

  it('rejects unsigned or unknown callers with 403 before the function runs', async () => {
    for (const init of [{}, { token: 'dev-intruder' }, { headers: { authorization: 'Basic ZGV2OmRldg==' } }]) {
      const response = await call('/incidents/INC-1', init);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
    }
    expect(invocations).toEqual([]);
  });

  it('answers 404 for a path or method no route has', async () => {
    for (const [path, method] of [['/nothing', 'GET'], ['/incidents', 'GET'], ['/incidents/1', 'POST']] as const) {
      const response = await call(path, { method, token: 'dev-admin' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
    expect(invocations).toEqual([]);
  });

  it('infers a 200 JSON response from a result without statusCode', async () => {
    behaviour = async () => ({ incidentId: 'INC-2', status: 'OPEN' });
    const response = await call('/incidents/INC-2', { token: 'dev-auditor' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ incidentId: 'INC-2', status: 'OPEN' });
  });

  it('turns a failed invocation or a malformed result into 500, and reports why', async () => {
    behaviour = async () => {
      throw new Error('Task timed out after 10.00 seconds');
    };
    const failed = await call('/incidents/INC-3', { token: 'dev-auditor' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });

    behaviour = async () => ({ statusCode: 200, body: { not: 'a string' } });
    const malformed = await call('/incidents/INC-3', { token: 'dev-auditor' });
    expect(malformed.status).toBe(500);
    expect(await malformed.json()).toEqual({ message: 'Internal Server Error' });
    expect(errors).toEqual([
      'GET /incidents/{incidentId}: Task timed out after 10.00 seconds',
      'GET /incidents/{incidentId}: body must be a string (JSON.stringify it), got object',
    ]);
  });

  it('answers 503 when the function outlasts the integration timeout', async () => {
    behaviour = () => new Promise(() => undefined);
    const response = await call('/incidents/INC-4', { token: 'dev-auditor' });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('passes binary bodies base64-encoded and decodes base64 responses', async () => {
    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    behaviour = async (event) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      isBase64Encoded: true,
      body: event.body,
    });
    const response = await call('/files/blob.bin', {
      method: 'PUT',
      token: 'dev-admin',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(invocations[0]?.event).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
  });

  it('refuses bodies over the payload limit with 413, declared or streamed', async () => {
    const large = Buffer.alloc(64 * 1024 + 1, 'a');
    const declared = await call('/incidents', { method: 'POST', token: 'dev-admin', headers: { 'content-type': 'text/plain' }, body: large });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ message: 'Request Entity Too Large' });

    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        `${api.url}/incidents`,
        { method: 'POST', headers: { authorization: `Bearer ${tokens.tokenOf('dev-admin')}`, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } },
        (incoming) => {
          let body = '';
          incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
        },
      );
      outgoing.on('error', reject);
      for (let sent = 0; sent < large.length; sent += 8192) outgoing.write(large.subarray(sent, sent + 8192));
      outgoing.end();
    });
    expect(streamed).toEqual({ status: 413, body: '{"message":"Request Entity Too Large"}' });
    expect(invocations).toEqual([]);
  });

  it('answers 400 for a path whose percent-encoding is broken', async () => {
    const response = await call('/incidents/%E0%A4%A', { token: 'dev-admin' });
    expect(response.status).toBe(400);
  });
});

describe('local HTTP API lifecycle', () => {
  it('reports a port already in use, and closes with connections still open', async () => {
    const first = await startLocalHttpApi({ port: 0, routes: [], invoke: async () => null, isReady: () => true, identityForToken });
    await expect(startLocalHttpApi({ port: first.port, routes: [], invoke: async () => null, isReady: () => true, identityForToken })).rejects.toThrow(
      /EADDRINUSE/,
    );
    const keepAlive = await fetch(`${first.url}/health`);
    expect(keepAlive.status).toBe(200);
    await first.close();
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();
  });

  it('answers 503 from /health when the readiness check throws', async () => {
    const server = await startLocalHttpApi({
      port: 0,
      routes: [],
      invoke: async () => null,
      isReady: () => {
        throw new Error('DynamoDB is not up');
      },
      identityForToken,
    });
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  it('refuses a bad route at start', async () => {
    await expect(
      startLocalHttpApi({
        port: 0,
        routes: [{ method: 'GET', path: '/a/{proxy+}/b', functionName: 'X' }],
        invoke: async () => null,
        isReady: () => true,
        identityForToken,
      }),
    ).rejects.toThrow(/greedy variable/);
  });
});
