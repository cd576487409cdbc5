import { describe, expect, it } from 'vitest';
import { MalformedLambdaResultError, toHttpApiResponse } from '../../local/http-api/result.js';

const text = (body: Buffer): string => body.toString('utf8');

describe('Lambda results to HTTP responses (payload format 2.0)', () => {
  it('uses a result with statusCode as given', () => {
    const response = toHttpApiResponse({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3, 'X-Flag': true },
      cookies: ['a=1; HttpOnly', 'b=2'],
      body: '{"incidentId":"INC-1"}',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'x-count': '3', 'x-flag': 'true' });
    expect(response.cookies).toEqual(['a=1; HttpOnly', 'b=2']);
    expect(text(response.body)).toBe('{"incidentId":"INC-1"}');
  });

  it('decodes a base64 body', () => {
    const response = toHttpApiResponse({ statusCode: 200, isBase64Encoded: true, body: Buffer.from([1, 2, 3]).toString('base64') });
    expect([...response.body]).toEqual([1, 2, 3]);
  });

  it('allows a statusCode with no body or headers', () => {
    const response = toHttpApiResponse({ statusCode: 204 });
    expect(response).toEqual({ statusCode: 204, headers: {}, cookies: [], body: Buffer.alloc(0) });
  });

  it('infers 200 application/json for any other result, strings as they are', () => {
    expect(toHttpApiResponse({ message: 'Hello from Lambda!' })).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    });
    expect(text(toHttpApiResponse({ message: 'Hello from Lambda!' }).body)).toBe('{"message":"Hello from Lambda!"}');
    expect(text(toHttpApiResponse('Hello from Lambda!').body)).toBe('Hello from Lambda!');
    expect(text(toHttpApiResponse([1, 2]).body)).toBe('[1,2]');
    expect(text(toHttpApiResponse(42).body)).toBe('42');
    expect(text(toHttpApiResponse(null).body)).toBe('null');
  });

  it('refuses results API Gateway would answer with a 500', () => {
    expect(() => toHttpApiResponse({ statusCode: '200' })).toThrow(MalformedLambdaResultError);
    expect(() => toHttpApiResponse({ statusCode: 200, body: { a: 1 } })).toThrow(/body must be a string \(JSON.stringify it\), got object/);
    expect(() => toHttpApiResponse({ statusCode: 200, cookies: 'a=1' })).toThrow(/cookies must be an array of strings/);
    expect(() => toHttpApiResponse({ statusCode: 200, headers: { a: { b: 1 } } })).toThrow(/header a must be a string/);
    expect(() => toHttpApiResponse({ statusCode: 99 })).toThrow(/statusCode must be an integer HTTP status/);
  });
});
