import { RESTORE_TARGET_ACTIONS } from '../../../lib/drill-grants.js';
import type { RecordedAwsCall } from '../../../local/aws-call-recorder.js';
import { authorize, iamPatternMatches } from '../../infra/iam-evaluation.js';
import { renderCfn, type SynthesizedPolicyStatement } from '../../infra/synthesized-app.js';
import type { DeployedSpellings } from './deployed-resource-names.js';

/** One authorization IAM makes for a call: an action on one resource (local ARN), with the request's condition keys. */
export interface AuthorizationCheck {
  readonly action: string;
  readonly resource: string | undefined;
  readonly conditionValues: Readonly<Record<string, readonly string[]>>;
}

/** The checks a call needs: its action on each resource it names, and for a restore the writes AWS makes to the new table. */
export function authorizationChecksOf(call: RecordedAwsCall): AuthorizationCheck[] {
  const authorization = call.authorization;
  if (!authorization || authorization.resources.length === 0) return [{ action: call.action, resource: undefined, conditionValues: {} }];
  const checks: AuthorizationCheck[] = authorization.resources.map((resource) => ({ action: call.action, resource, conditionValues: authorization.conditionValues }));
  // AWS writes the restored items with the caller's permissions ("Using IAM with DynamoDB backup and restore").
  const target = authorization.restoreTarget;
  if (target) checks.push(...RESTORE_TARGET_ACTIONS.map((action) => ({ action, resource: target, conditionValues: {} })));
  return checks;
}

/**
 * The checks against one function's statements: denied `<action> on <local ARN>`, resources the template cannot name
 * (or none recorded), and the keys of conditions left unsettled, each once and sorted.
 */
export function evaluateChecks(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], spellingsOf: DeployedSpellings) {
  const denied = new Set<string>();
  const unresolved = new Set<string>();
  const unevaluated = new Set<string>();
  for (const check of checks) {
    const spellings = check.resource === undefined ? undefined : spellingsOf(check.resource);
    if (!spellings) {
      unresolved.add(`${check.action} on ${check.resource ?? '(no resource recorded)'}`);
      continue;
    }
    const result = authorize(statements, { action: check.action, resourceSpellings: spellings, conditionValues: check.conditionValues });
    if (!result.allowed) denied.add(`${check.action} on ${check.resource}`);
    for (const condition of result.unevaluatedConditions) unevaluated.add(condition.split(' ')[1]!);
  }
  return { denied: [...denied].sort(), unresolved: [...unresolved].sort(), unevaluated: [...unevaluated].sort() };
}

/**
 * Grants (`<action> on <resource>`, as the template renders them) no check used, among actions that some check did
 * use: where a used action is granted on more resources than the scenarios touched.
 */
export function resourcesGrantedButUnused(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], spellingsOf: DeployedSpellings): string[] {
  const unused = new Set<string>();
  for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
    for (const action of [statement.Action].flat()) {
      const using = checks.filter((check) => iamPatternMatches(action, check.action, { ignoreCase: true }));
      if (using.length === 0) continue;
      for (const resource of [statement.Resource].flat().map(renderCfn)) {
        const touched = using.some((check) => (check.resource === undefined ? [] : (spellingsOf(check.resource) ?? [])).some((spelling) => iamPatternMatches(resource, spelling)));
        if (!touched) unused.add(`${action} on ${resource}`);
      }
    }
  }
  return [...unused].sort();
}

/**
 * Partition families granted (`<action> <dynamodb:LeadingKeys pattern>`) that no recorded call of that action on that
 * table wrote to: where a function may write a family of partitions the scenarios never saw it write.
 */
export function partitionsGrantedButUnwritten(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], spellingsOf: DeployedSpellings): string[] {
  const unwritten = new Set<string>();
  for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
    const patterns = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as readonly string[] | undefined;
    if (!patterns) continue;
    const resources = [statement.Resource].flat().map(renderCfn);
    for (const action of [statement.Action].flat()) {
      const onResources = checks.filter(
        (check) =>
          iamPatternMatches(action, check.action, { ignoreCase: true }) &&
          (check.resource === undefined ? [] : (spellingsOf(check.resource) ?? [])).some((spelling) => resources.some((resource) => iamPatternMatches(resource, spelling))),
      );
      for (const pattern of patterns) {
        const written = onResources.some((check) => (check.conditionValues['dynamodb:LeadingKeys'] ?? []).some((key) => iamPatternMatches(pattern, key)));
        if (!written) unwritten.add(`${action} ${pattern}`);
      }
    }
  }
  return [...unwritten].sort();
}
