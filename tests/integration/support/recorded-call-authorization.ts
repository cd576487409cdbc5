import { RESTORE_TARGET_ACTIONS } from '../../../lib/drill-grants.js';
import type { RecordedAwsCall } from '../../../local/aws-call-recorder.js';
import { actionsName, KEY_POLICY_DELEGATING_TO_IAM, simulateRequest, type DeployedTemplate, type ResourcePolicy } from '../../infra/iam-simulation.js';
import type { SynthesizedPolicyStatement } from '../../infra/synthesized-app.js';
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

/** Local ARN → the resource's ARN as deployed (DEPLOYED's account and region); undefined where the template has no counterpart. */
export type DeployedArnOf = (localArn: string) => string | undefined;

/** Every spelling the template has for a local resource, deployed: they must all be one ARN. */
export function deployedArnOf(spellingsOf: DeployedSpellings, deployed: DeployedTemplate): DeployedArnOf {
  // Asked once per check and probe: the same few hundred ARNs, each worked out once.
  const known = new Map<string, string | undefined>();
  return (localArn) => {
    if (known.has(localArn)) return known.get(localArn);
    const arns = [...new Set(spellingsOf(localArn)?.map((spelling) => deployed.text(spelling)) ?? [])];
    if (arns.length > 1) throw new Error(`${localArn} deploys as ${arns.join(' and ')}: one resource, two ARNs`);
    known.set(localArn, arns[0]);
    return arns[0];
  };
}

/** The calling function's deployed role, and the resource policies of what it calls (a KMS key's policy, a bucket's...). */
export interface Caller {
  readonly roleArn: string;
  readonly resourcePolicyOf: (arn: string) => ResourcePolicy | undefined;
}

const serviceOf = (action: string): string => action.split(':')[0]!.toLowerCase();
const asList = (value: unknown): string[] => [value].flat() as string[];

/**
 * What iam-simulate answered for a probe and a check (`[probe, action, deployed ARN, condition values]` as JSON): the
 * unused-grant listings ask each function's grants about the same calls again and again, and an answer depends on nothing else.
 */
const probeAnswers = new Map<string, boolean>();

/**
 * Whether a one-statement identity policy allows some check (with a deployed resource) as iam-simulate evaluates it; a
 * KMS key is taken to leave the decision to IAM, so only the probe decides. Only checks of an action the probe names are
 * simulated whole: no other can be allowed (actionsName).
 */
async function allowsSome(probe: SynthesizedPolicyStatement, checks: readonly AuthorizationCheck[], arnOf: DeployedArnOf): Promise<boolean> {
  for (const check of checks) {
    const arn = check.resource === undefined ? undefined : arnOf(check.resource);
    if (arn === undefined || !actionsName(probe.Action, check.action)) continue;
    const key = JSON.stringify([probe, check.action, arn, check.conditionValues]);
    let allowed = probeAnswers.get(key);
    if (allowed === undefined) {
      const resourcePolicy = serviceOf(check.action) === 'kms' ? KEY_POLICY_DELEGATING_TO_IAM : undefined;
      allowed = (await simulateRequest([probe], { action: check.action, resource: arn, conditionValues: check.conditionValues }, { ...(resourcePolicy && { resourcePolicy }) })).allowed;
      probeAnswers.set(key, allowed);
    }
    if (allowed) return true;
  }
  return false;
}

/** The checks once each: a function repeats the same call many times. */
const distinct = (checks: readonly AuthorizationCheck[]): AuthorizationCheck[] => [...new Map(checks.map((check) => [JSON.stringify(check), check])).values()];

/**
 * The checks against one function's deployed statements and the resource policies of what it calls (a KMS key's policy
 * must allow the call too), as iam-simulate evaluates them: denied `<action> on <local ARN>`
 * (with iam-simulate's reason when it refused the request), resources the template cannot name (or none recorded), the
 * keys of conditions left unsettled, and keys a request carries that IAM does not read for its action; each once, sorted.
 */
export async function evaluateChecks(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], arnOf: DeployedArnOf, caller: Caller) {
  const denied = new Set<string>();
  const unresolved = new Set<string>();
  const unevaluated = new Set<string>();
  const ignored = new Set<string>();
  for (const check of distinct(checks)) {
    const arn = check.resource === undefined ? undefined : arnOf(check.resource);
    if (arn === undefined) {
      unresolved.add(`${check.action} on ${check.resource ?? '(no resource recorded)'}`);
      continue;
    }
    const resourcePolicy = caller.resourcePolicyOf(arn);
    const parties = { principal: caller.roleArn, ...(resourcePolicy && { resourcePolicy }) };
    const outcome = await simulateRequest(statements, { action: check.action, resource: arn, conditionValues: check.conditionValues }, parties);
    if (!outcome.allowed) denied.add(`${check.action} on ${check.resource}${outcome.error === undefined ? '' : ` (${outcome.error})`}`);
    for (const key of outcome.unevaluatedConditions) unevaluated.add(key);
    for (const key of outcome.ignoredKeys) ignored.add(`${key} on ${check.action}`);
  }
  return { denied: [...denied].sort(), unresolved: [...unresolved].sort(), unevaluated: [...unevaluated].sort(), ignored: [...ignored].sort() };
}

/** Actions (or action patterns) granted that allow none of the checks on any resource: grants no call used. */
export async function actionsGrantedButUnused(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], arnOf: DeployedArnOf): Promise<string[]> {
  const unused = new Set<string>();
  const made = distinct(checks);
  for (const action of new Set(statements.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => asList(statement.Action)))) {
    if (!(await allowsSome({ Effect: 'Allow', Action: action, Resource: '*' }, made, arnOf))) unused.add(action);
  }
  return [...unused].sort();
}

/**
 * Grants (`<action> on <deployed resource>`) no check used, among actions that some check did use: where a used action
 * is granted on more resources than the scenarios touched.
 */
export async function resourcesGrantedButUnused(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], arnOf: DeployedArnOf): Promise<string[]> {
  const unused = new Set<string>();
  const made = distinct(checks);
  for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
    for (const action of asList(statement.Action)) {
      if (!(await allowsSome({ Effect: 'Allow', Action: action, Resource: '*' }, made, arnOf))) continue;
      for (const resource of asList(statement.Resource)) {
        if (!(await allowsSome({ Effect: 'Allow', Action: action, Resource: resource }, made, arnOf))) unused.add(`${action} on ${resource}`);
      }
    }
  }
  return [...unused].sort();
}

/**
 * Partition families granted (`<action> <dynamodb:LeadingKeys pattern>`) that no recorded call of that action on that
 * table wrote to: where a function may write a family of partitions the scenarios never saw it write. A call counts
 * when one of the partition keys it carries is in the family (a call carrying none writes no family).
 */
export async function partitionsGrantedButUnwritten(statements: readonly SynthesizedPolicyStatement[], checks: readonly AuthorizationCheck[], arnOf: DeployedArnOf): Promise<string[]> {
  const unwritten = new Set<string>();
  const writes = distinct(checks).filter((check) => (check.conditionValues['dynamodb:LeadingKeys'] ?? []).length > 0);
  for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
    const patterns = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as readonly string[] | undefined;
    if (!patterns) continue;
    for (const action of asList(statement.Action)) {
      for (const pattern of patterns) {
        const probe = { Effect: 'Allow', Action: action, Resource: statement.Resource, Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [pattern] } } };
        if (!(await allowsSome(probe, writes, arnOf))) unwritten.add(`${action} ${pattern}`);
      }
    }
  }
  return [...unwritten].sort();
}
