import { describe, expect, it } from 'vitest';
import { functionRegistry } from '../../functions/registry.js';
import { compileRoutes, matchRoute, type HttpRouteBinding } from '../../local/http-api/routes.js';

const route = (method: string, path: string, functionName = `${method} ${path}`): HttpRouteBinding => ({ method, path, functionName });

describe('HTTP API route selection', () => {
  // The example of API Gateway's "Routing API requests" documentation, plus a few of ours.
  const table = compileRoutes([
    route('GET', '/pets/dog/{id}'),
    route('GET', '/pets/{proxy+}'),
    route('ANY', '/{proxy+}'),
    route('POST', '/incidents'),
    route('GET', '/incidents/{incidentId}'),
    route('GET', '/incidents/summary'),
    route('ANY', '/tasks/{taskId}'),
    route('POST', '/tasks/{taskId}'),
  ]);

  it('prefers a full match, then a greedy variable, as the documentation describes', () => {
    expect(matchRoute(table, 'GET', '/pets/dog/1')).toMatchObject({ routeKey: 'GET /pets/dog/{id}', pathParameters: { id: '1' } });
    expect(matchRoute(table, 'GET', '/pets/cat/1')).toMatchObject({ routeKey: 'GET /pets/{proxy+}', pathParameters: { proxy: 'cat/1' } });
    expect(matchRoute(table, 'POST', '/test/5')).toMatchObject({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'test/5' } });
  });

  it('matches exact paths and reports no path parameters for them', () => {
    expect(matchRoute(table, 'POST', '/incidents')).toEqual({
      binding: route('POST', '/incidents'),
      routeKey: 'POST /incidents',
      pathParameters: undefined,
    });
  });

  it('prefers a literal segment to a variable, and an exact method to ANY', () => {
    expect(matchRoute(table, 'GET', '/incidents/summary')?.routeKey).toBe('GET /incidents/summary');
    expect(matchRoute(table, 'GET', '/incidents/INC-42')).toMatchObject({ pathParameters: { incidentId: 'INC-42' } });
    expect(matchRoute(table, 'POST', '/tasks/t1')?.routeKey).toBe('POST /tasks/{taskId}');
    expect(matchRoute(table, 'DELETE', '/tasks/t1')?.routeKey).toBe('ANY /tasks/{taskId}');
  });

  it('matches methods case-insensitively but paths exactly', () => {
    expect(matchRoute(table, 'post', '/incidents')?.routeKey).toBe('POST /incidents');
    // Without the catch-all, a differently-cased path or a trailing slash finds nothing.
    const strict = compileRoutes([route('POST', '/incidents'), route('GET', '/incidents/{incidentId}')]);
    expect(matchRoute(strict, 'POST', '/Incidents')).toBeUndefined();
    expect(matchRoute(strict, 'POST', '/incidents/')).toBeUndefined();
    expect(matchRoute(strict, 'GET', '/incidents')).toBeUndefined();
    expect(matchRoute(strict, 'GET', '/incidents/a/b')).toBeUndefined();
    expect(matchRoute(strict, 'PUT', '/incidents')).toBeUndefined();
  });

  it('needs something for a greedy variable to catch, and falls back to $default', () => {
    const withDefault = compileRoutes([route('GET', '/files/{proxy+}'), route('ANY', '$default', 'Fallback')]);
    expect(matchRoute(withDefault, 'GET', '/files/a/b.txt')).toMatchObject({ pathParameters: { proxy: 'a/b.txt' } });
    expect(matchRoute(withDefault, 'GET', '/files')).toMatchObject({ routeKey: '$default', binding: { functionName: 'Fallback' } });
    expect(matchRoute(withDefault, 'POST', '/anything')).toMatchObject({ routeKey: '$default', pathParameters: undefined });
  });

  it('prefers the longer literal prefix among greedy routes', () => {
    const greedy = compileRoutes([route('GET', '/a/{proxy+}'), route('GET', '/a/b/{proxy+}')]);
    expect(matchRoute(greedy, 'GET', '/a/b/c')?.routeKey).toBe('GET /a/b/{proxy+}');
    expect(matchRoute(greedy, 'GET', '/a/x/c')?.routeKey).toBe('GET /a/{proxy+}');
  });

  it('serves every route the function registry declares', () => {
    const bindings = functionRegistry.flatMap((spec) =>
      ('routes' in spec ? spec.routes : []).map((registered) => ({ ...registered, functionName: spec.name })),
    );
    const registryTable = compileRoutes(bindings);
    for (const binding of bindings) {
      const concretePath = binding.path.replace(/\{[^}]+\}/g, 'x');
      expect(matchRoute(registryTable, binding.method, concretePath)?.binding.functionName).toBe(binding.functionName);
    }
  });

  it('refuses routes API Gateway would refuse', () => {
    expect(() => compileRoutes([route('FETCH', '/a')])).toThrow(/method must be one of/);
    expect(() => compileRoutes([route('GET', 'a')])).toThrow(/must start with \//);
    expect(() => compileRoutes([route('GET', '/a/{proxy+}/b')])).toThrow(/greedy variable \{proxy\+\} must be the last segment/);
    expect(() => compileRoutes([route('GET', '/a/{id}/{id}')])).toThrow(/a path variable is named twice/);
    expect(() => compileRoutes([route('GET', '/a/x{id}')])).toThrow(/must be a whole segment/);
    expect(() => compileRoutes([route('GET', '/a//b')])).toThrow(/empty segment/);
    expect(() => compileRoutes([route('GET', '/a'), route('get', '/a')])).toThrow(/the route GET \/a twice/);
  });
});
