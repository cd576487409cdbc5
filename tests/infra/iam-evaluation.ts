import type { SynthesizedPolicyStatement } from './synthesized-app.js';
import { renderCfn } from './synthesized-app.js';

/*
 * The part of IAM's identity-policy evaluation a synthesized policy needs: Action and Resource matched with IAM's
 * wildcards, the condition operators irdr's statements use evaluated on the keys a request carries, and every
 * condition that cannot be evaluated handed back by name rather than assumed.
 */

/** IAM's wildcard match: `*` is any run of characters (none included), `?` exactly one; actions ignore case, ARNs do not. */
export function iamPatternMatches(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = [...pattern].map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's').test(value);
}

/** A request as IAM sees it: the action, one resource, and the condition keys it carries. */
export interface AuthorizationRequest {
  readonly action: string;
  /** Every spelling of the one resource (e.g. a token and the ARN it stands for): a Resource matching any matches. */
  readonly resourceSpellings: readonly string[];
  readonly conditionValues: Readonly<Record<string, readonly string[]>>;
}

export interface AuthorizationResult {
  readonly allowed: boolean;
  /**
   * `<operator> <key>` of each condition the allowing statements hold that the request cannot settle (a key it does
   * not carry, or an operator not evaluated here); empty when some statement allows it with every condition evaluated.
   */
  readonly unevaluatedConditions: readonly string[];
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** How one condition operator compares request values with policy values; undefined: not evaluated here. */
function conditionHolds(operator: string, requestValues: readonly string[], policyValues: readonly string[]): boolean | undefined {
  const [qualifier, base] = operator.includes(':') ? (operator.split(':') as [string, string]) : [undefined, operator];
  const compare: ((requestValue: string, policyValue: string) => boolean) | undefined =
    base === 'StringEquals'
      ? (requestValue, policyValue) => requestValue === policyValue
      : base === 'StringLike'
        ? (requestValue, policyValue) => iamPatternMatches(policyValue, requestValue)
        : undefined;
  if (!compare) return undefined;
  const matchesAny = (requestValue: string) => policyValues.some((policyValue) => compare(requestValue, policyValue));
  if (qualifier === 'ForAllValues') return requestValues.every(matchesAny);
  // ForAnyValue, and a plain operator on a single-valued key: some request value matches.
  if (qualifier === 'ForAnyValue' || qualifier === undefined) return requestValues.some(matchesAny);
  return undefined;
}

/** Evaluates one Allow statement's conditions: false if one fails, else the ones it could not settle. */
function conditionsOf(statement: SynthesizedPolicyStatement, request: AuthorizationRequest): { holds: boolean; unevaluated: string[] } {
  const unevaluated: string[] = [];
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      const requestValues = request.conditionValues[key];
      // A key the request does not carry is never settled here: ForAllValues would hold vacuously in IAM.
      const holds = requestValues && requestValues.length > 0 ? conditionHolds(operator, requestValues, asList(value).map(renderCfn)) : undefined;
      if (holds === false) return { holds: false, unevaluated: [] };
      if (holds === undefined) unevaluated.push(`${operator} ${key}`);
    }
  }
  return { holds: true, unevaluated };
}

const matchesStatement = (statement: SynthesizedPolicyStatement, request: AuthorizationRequest): boolean =>
  asList(statement.Action).some((action) => iamPatternMatches(String(action), request.action, { ignoreCase: true })) &&
  asList(statement.Resource).some((resource) => request.resourceSpellings.some((spelling) => iamPatternMatches(renderCfn(resource), spelling)));

/** Whether the statements allow the request: an explicit Deny wins; else some Allow whose action, resource and conditions match. */
export function authorize(statements: readonly SynthesizedPolicyStatement[], request: AuthorizationRequest): AuthorizationResult {
  const matching = statements.filter((statement) => matchesStatement(statement, request));
  if (matching.some((statement) => statement.Effect === 'Deny' && conditionsOf(statement, request).holds)) return { allowed: false, unevaluatedConditions: [] };
  const allowing = matching.filter((statement) => statement.Effect === 'Allow').map((statement) => conditionsOf(statement, request)).filter((result) => result.holds);
  if (allowing.length === 0) return { allowed: false, unevaluatedConditions: [] };
  if (allowing.some((result) => result.unevaluated.length === 0)) return { allowed: true, unevaluatedConditions: [] };
  return { allowed: true, unevaluatedConditions: [...new Set(allowing.flatMap((result) => result.unevaluated))].sort() };
}
