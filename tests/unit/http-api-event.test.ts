import { describe, expect, it } from 'vitest';
import { DevTokens, devIdentities, devIdentityNamed } from '../../local/dev-identities.js';
import {
  buildHttpApiEvent,
  collectHeaders,
  collectQueryParameters,
  formatRequestTime,
  isTextContentType,
  parseRequestTarget,
  type IncomingHttpRequest,
} from '../../local/http-api/event.js';
import { compileRoutes, matchRoute } from '../../local/http-api/routes.js';

const identity = devIdentityNamed('dev-commander')!;
const receivedAt = new Date('2026-11-03T14:05:09.123Z');

function request(overrides: Partial<IncomingHttpRequest>): IncomingHttpRequest {
  return {
    method: 'GET',
    url: '/',
    rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'curl/8.5.0', 'Authorization', 'Bearer dev-commander'],
    body: Buffer.alloc(0),
    httpVersion: '1.1',
    sourceIp: '127.0.0.1',
    ...overrides,
  };
}

const routes = compileRoutes([
  { method: 'GET', path: '/incidents/{incidentId}', functionName: 'GetIncident' },
  { method: 'POST', path: '/incidents', functionName: 'CreateIncident' },
]);

function eventFor(incoming: IncomingHttpRequest) {
  const target = parseRequestTarget(incoming.url)!;
  const route = matchRoute(routes, incoming.method, target.path)!;
  const context = { accountId: '000000000000', apiId: 'irdrlocal1', requestId: 'Abc123=', receivedAt, identity };
  return buildHttpApiEvent(incoming, target, route, context);
}

describe('payload format 2.0 events', () => {
  it('builds the documented event for a GET with path and query parameters', () => {
    const event = eventFor(request({ url: '/incidents/INC%2042?include=events&include=tasks&limit=10' }));
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /incidents/{incidentId}',
      rawPath: '/incidents/INC 42',
      rawQueryString: 'include=events&include=tasks&limit=10',
      queryStringParameters: { include: 'events,tasks', limit: '10' },
      pathParameters: { incidentId: 'INC 42' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'irdrlocal1',
        domainName: '127.0.0.1:3000',
        domainPrefix: '127',
        http: { method: 'GET', path: '/incidents/INC 42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
        requestId: 'Abc123=',
        routeKey: 'GET /incidents/{incidentId}',
        stage: '$default',
        time: '03/Nov/2026:14:05:09 +0000',
        timeEpoch: receivedAt.getTime(),
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    expect('body' in event).toBe(false);
  });

  it('carries the dev identity as API Gateway’s IAM authorizer would', () => {
    const event = eventFor(request({ url: '/incidents/1' }));
    expect(event.requestContext.authorizer).toEqual({
      iam: {
        accessKey: identity.accessKey,
        accountId: '000000000000',
        callerId: identity.userId,
        cognitoIdentity: null,
        principalOrgId: identity.principalOrgId,
        userArn: 'arn:aws:iam::000000000000:user/carl-commander',
        userId: identity.userId,
      },
    });
  });

  it('lower-cases headers, joins repeated ones with commas and moves cookies out', () => {
    const event = eventFor(
      request({
        url: '/incidents/1',
        rawHeaders: [
          ...['Host', 'localhost:3000', 'X-Trace', 'a', 'x-trace', 'b'],
          ...['Cookie', 'theme=dark; session=abc', 'Authorization', 'Bearer dev-commander'],
        ],
      }),
    );
    expect(event.headers['x-trace']).toBe('a,b');
    expect(event.headers['cookie']).toBeUndefined();
    expect(event.cookies).toEqual(['theme=dark', 'session=abc']);
    expect(event.headers['authorization']).toBe('Bearer dev-commander');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-forwarded-port']).toBe('3000');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('passes JSON bodies as text and binary ones base64-encoded', () => {
    const json = eventFor(
      request({
        method: 'POST',
        url: '/incidents',
        rawHeaders: ['Content-Type', 'application/json; charset=utf-8'],
        body: Buffer.from('{"title":"é"}'),
      }),
    );
    expect(json).toMatchObject({ routeKey: 'POST /incidents', body: '{"title":"é"}', isBase64Encoded: false });
    expect(json.pathParameters).toBeUndefined();
    expect(json.queryStringParameters).toBeUndefined();
    expect(json.rawQueryString).toBe('');

    const bytes = Buffer.from([0, 1, 2, 255]);
    const binary = eventFor(request({ method: 'POST', url: '/incidents', rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }));
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('treats only text/*, JSON, XML and JavaScript as text, as HTTP APIs do', () => {
    expect(isTextContentType('text/plain')).toBe(true);
    expect(isTextContentType('TEXT/CSV; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/json')).toBe(true);
    expect(isTextContentType('application/xml')).toBe(true);
    expect(isTextContentType('application/javascript')).toBe(true);
    expect(isTextContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isTextContentType('application/pdf')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });

  it('parses request targets, decoding the path and keeping the raw query', () => {
    expect(parseRequestTarget('/a%2Fb/c?x=%20y#frag')).toEqual({ path: '/a/b/c', rawQueryString: 'x=%20y' });
    expect(parseRequestTarget('/')).toEqual({ path: '/', rawQueryString: '' });
    expect(parseRequestTarget('/bad%E0%A4%A')).toBeUndefined();
    expect(collectQueryParameters('a=1&b=two%20words&a=3&flag')).toEqual({ a: '1,3', b: 'two words', flag: '' });
    expect(collectQueryParameters('')).toBeUndefined();
  });

  it('formats the request time as API Gateway does', () => {
    expect(formatRequestTime(new Date('2020-03-12T19:03:58Z'))).toBe('12/Mar/2020:19:03:58 +0000');
    expect(collectHeaders([]).cookies).toBeUndefined();
  });
});

describe('dev identities', () => {
  it('names one IAM user per role in the local account, with consistent ids', () => {
    expect(devIdentities.map((person) => person.name)).toEqual(['dev-responder', 'dev-commander', 'dev-approver', 'dev-auditor', 'dev-admin', 'dev-outsider']);
    for (const person of devIdentities) {
      expect(person.userArn).toMatch(/^arn:aws:iam::000000000000:user\/[a-z-]+$/);
      expect(person.userId).toMatch(/^AIDA[A-Z0-9]{17}$/);
      expect(person.accessKey).toMatch(/^AKIA[A-Z0-9]{16}$/);
      expect(person.callerId).toBe(person.userId);
    }
    expect(new Set(devIdentities.map((person) => person.userId)).size).toBe(devIdentities.length);
    expect(new Set(devIdentities.map((person) => person.accessKey)).size).toBe(devIdentities.length);
    expect(devIdentityNamed('dev-responder')?.userArn).toBe('arn:aws:iam::000000000000:user/rita-responder');
    expect(devIdentityNamed('nobody')).toBeUndefined();
  });

  it('has tokens made at each start: an identity\'s name, a token of another start, or a near miss opens nothing', () => {
    const tokens = DevTokens.generate();
    const admin = tokens.tokenOf('dev-admin');
    expect(admin).toMatch(/^dev-admin\.[A-Za-z0-9_-]{32}$/);
    expect(tokens.identityFor(admin)?.userArn).toBe('arn:aws:iam::000000000000:user/ana-admin');
    for (const person of devIdentities) expect(tokens.identityFor(tokens.tokenOf(person.name))).toBe(person);
    const attempts = [...devIdentities.map((person) => person.name), DevTokens.generate().tokenOf('dev-admin'), admin.slice(0, -1), `${admin}x`, admin.toUpperCase(), '', 'dev-admin.'];
    for (const attempt of attempts) expect({ attempt, identity: tokens.identityFor(attempt) }).toEqual({ attempt, identity: undefined });
    expect(new Set(devIdentities.map((person) => tokens.tokenOf(person.name))).size).toBe(devIdentities.length);
  });

  it('exports IRDR_TOKEN (the admin, who acts in every role) and IRDR_TOKEN_<NAME> per identity; names map to tokens', () => {
    const tokens = DevTokens.generate();
    expect(tokens.environment()).toEqual({
      IRDR_TOKEN: tokens.tokenOf('dev-admin'),
      IRDR_TOKEN_RESPONDER: tokens.tokenOf('dev-responder'),
      IRDR_TOKEN_COMMANDER: tokens.tokenOf('dev-commander'),
      IRDR_TOKEN_APPROVER: tokens.tokenOf('dev-approver'),
      IRDR_TOKEN_AUDITOR: tokens.tokenOf('dev-auditor'),
      IRDR_TOKEN_ADMIN: tokens.tokenOf('dev-admin'),
      IRDR_TOKEN_OUTSIDER: tokens.tokenOf('dev-outsider'),
    });
    expect(tokens.tokenForName('dev-auditor')).toBe(tokens.tokenOf('dev-auditor'));
    expect(tokens.tokenForName('dev-intruder')).toBe('dev-intruder');
    expect(() => tokens.tokenOf('dev-intruder')).toThrow(/no dev identity is called dev-intruder/);
  });
});
