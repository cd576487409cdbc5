/** A route of the HTTP API and the function its Lambda integration calls. */
export interface HttpRouteBinding {
  /** GET, POST, ... or ANY; ignored for the `$default` route. */
  readonly method: string;
  /** API Gateway route path: `/incidents/{incidentId}`, `/files/{proxy+}`, or `$default`. */
  readonly path: string;
  readonly functionName: string;
  /**
   * `iam` (the default): the caller must present a dev identity, as SigV4 would be checked. `signed-link`:
   * no authorizer (emailed links opened in a browser); the function checks the link's signature itself.
   */
  readonly auth?: 'iam' | 'signed-link' | 'slack-signature';
}

export interface RouteMatch {
  readonly binding: HttpRouteBinding;
  /** `POST /incidents`, `ANY /{proxy+}` or `$default`, as the event's routeKey. */
  readonly routeKey: string;
  /** Undefined when the route has no path variables, as in API Gateway's events. */
  readonly pathParameters: Record<string, string> | undefined;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const VARIABLE = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

type Segment = { kind: 'literal'; text: string } | { kind: 'variable'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  readonly binding: HttpRouteBinding;
  readonly method: string;
  readonly routeKey: string;
  readonly segments: readonly Segment[];
  readonly greedy: boolean;
  readonly isDefault: boolean;
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
}

/** Checks every route as API Gateway would on deploy, so a bad path fails at start, not on the first request. */
export function compileRoutes(bindings: readonly HttpRouteBinding[]): RouteTable {
  const seen = new Set<string>();
  const routes = bindings.map((binding): CompiledRoute => {
    if (binding.path === '$default') {
      if (seen.has('$default')) throw new Error('the HTTP API has two $default routes');
      seen.add('$default');
      return { binding, method: 'ANY', routeKey: '$default', segments: [], greedy: false, isDefault: true };
    }
    const method = binding.method.toUpperCase();
    if (!METHODS.has(method)) {
      throw new Error(`route ${binding.method} ${binding.path}: the method must be one of ${[...METHODS].join(', ')}`);
    }
    if (!binding.path.startsWith('/')) throw new Error(`route ${method} ${binding.path}: the path must start with /`);
    const texts = binding.path === '/' ? [] : binding.path.slice(1).split('/');
    const segments = texts.map((text, index) => parseSegment(text, index === texts.length - 1, binding));
    const names = segments.flatMap((segment) => (segment.kind === 'literal' ? [] : [segment.name]));
    if (new Set(names).size !== names.length) throw new Error(`route ${method} ${binding.path}: a path variable is named twice`);
    const routeKey = `${method} ${binding.path}`;
    if (seen.has(routeKey)) throw new Error(`the HTTP API has the route ${routeKey} twice`);
    seen.add(routeKey);
    return { binding, method, routeKey, segments, greedy: segments.at(-1)?.kind === 'greedy', isDefault: false };
  });
  return { routes };
}

function parseSegment(text: string, last: boolean, binding: HttpRouteBinding): Segment {
  if (text === '') throw new Error(`route ${binding.method} ${binding.path}: the path has an empty segment`);
  const variable = VARIABLE.exec(text);
  if (!variable) {
    if (/[{}]/.test(text)) throw new Error(`route ${binding.method} ${binding.path}: a path variable must be a whole segment, like {id}`);
    return { kind: 'literal', text };
  }
  const [, name = '', plus] = variable;
  if (plus) {
    if (!last) throw new Error(`route ${binding.method} ${binding.path}: a greedy variable {${name}+} must be the last segment`);
    return { kind: 'greedy', name };
  }
  return { kind: 'variable', name };
}

/**
 * Selects the route API Gateway would: a full match first (literal segments beating variables,
 * left to right; an exact method beating ANY), then a greedy `{proxy+}` route (the longest prefix
 * wins), then `$default`. `path` is the decoded request path.
 */
export function matchRoute(table: RouteTable, method: string, path: string): RouteMatch | undefined {
  const requestMethod = method.toUpperCase();
  const segments = path === '/' ? [] : path.replace(/^\//, '').split('/');
  let best: { route: CompiledRoute; rank: number[]; parameters: Record<string, string> } | undefined;
  for (const route of table.routes) {
    if (route.isDefault) continue;
    if (route.method !== 'ANY' && route.method !== requestMethod) continue;
    const parameters = matchSegments(route, segments);
    if (!parameters) continue;
    const rank = rankOf(route);
    if (!best || compareRanks(rank, best.rank) > 0) best = { route, rank, parameters };
  }
  if (best) {
    const hasParameters = Object.keys(best.parameters).length > 0;
    return { binding: best.route.binding, routeKey: best.route.routeKey, pathParameters: hasParameters ? best.parameters : undefined };
  }
  const fallback = table.routes.find((route) => route.isDefault);
  return fallback && { binding: fallback.binding, routeKey: '$default', pathParameters: undefined };
}

function matchSegments(route: CompiledRoute, segments: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of route.segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = segments.slice(index);
      // {proxy+} needs at least one character: /files/{proxy+} does not match /files or /files/.
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[segment.name] = rest.join('/');
      return parameters;
    }
    const actual = segments[index];
    if (actual === undefined || actual === '') return undefined;
    if (segment.kind === 'literal') {
      if (segment.text !== actual) return undefined;
    } else {
      parameters[segment.name] = actual;
    }
  }
  return segments.length === route.segments.length ? parameters : undefined;
}

/**
 * Higher is more specific: a full match over a greedy one, then segment by segment (literal over
 * variable over greedy, so of two greedy routes the longer prefix wins), then an exact method over ANY.
 */
function rankOf(route: CompiledRoute): number[] {
  const segmentRanks = route.segments.map((segment) => (segment.kind === 'literal' ? 2 : segment.kind === 'variable' ? 1 : 0));
  return [route.greedy ? 0 : 1, ...segmentRanks, route.method === 'ANY' ? 0 : 1];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
