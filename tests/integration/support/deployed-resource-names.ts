import type { IConstruct } from 'constructs';
import { stateMachineName } from '../../../lib/runbook-state-machines.js';
import { REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID } from '../../../workflows/compile-review-reminder.js';
import { EVIDENCE_EXPORT_STATE_MACHINE_LOGICAL_ID } from '../../../workflows/compile-evidence-export.js';
import { LOCAL_ACCOUNT_ID, LOCAL_DEDUPLICATION_TABLE_NAME, LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS, LOCAL_EVIDENCE_EXPORT_BUCKET, LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS, LOCAL_EVIDENCE_SIGNING_KEY_ALIAS, LOCAL_NAME_PREFIX, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../../local/stack-config.js';
import { DRILL_STATE_MACHINE_LOGICAL_ID } from '../../../workflows/compile-drill.js';
import { renderCfn, type SynthesizedIrdr } from '../../infra/synthesized-app.js';

/** What the local stack handed the handlers for the resources CDK creates with generated names. */
export interface LocalResourceArns {
  /** TASK_LINK_SECRET_ID of the handlers. */
  readonly taskLinkSecretArn: string;
  /** SLACK_SECRET_ID of the handlers. */
  readonly slackSecretArn?: string;
  /** EVIDENCE_SIGNING_KEY_ID of the handlers. */
  readonly evidenceSigningKeyArn: string;
  /** EVIDENCE_DIGEST_SIGNING_KEY_ID of the handlers. */
  readonly digestSigningKeyArn: string;
  /** EVIDENCE_EXPORT_SIGNING_KEY_ID of the handlers. */
  readonly exportSigningKeyArn?: string;
  /** COMPLIANCE_PLATFORMS_SECRET_ID of the handlers. */
  readonly compliancePlatformsSecretArn?: string;
}

/**
 * Local ARN → the same resource as the synthesized template spells it, in renderCfn's text (`${Logical.Arn}`,
 * `arn:${AWS::Partition}:...`), every spelling a policy may use for it: a token and the ARN built from its name.
 * Undefined: a resource of this stack the local stack names but the template does not hold (the caller lists it).
 */
export type DeployedSpellings = (localArn: string) => readonly string[] | undefined;

export function deployedResourceNames(synthesized: SynthesizedIrdr, local: LocalResourceArns): DeployedSpellings {
  const { stack } = synthesized;
  const token = (value: string) => renderCfn(stack.resolve(value));
  const [partition, region, account] = [token(stack.partition), token(stack.region), token(stack.account)];
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const ref = (construct: IConstruct) => `\${${synthesized.logicalIdOf(construct)}}`;
  const getAtt = (construct: IConstruct) => `\${${synthesized.logicalIdOf(construct)}.Arn}`;

  const evidenceTable = stack.evidence.table;
  const deduplicationTable = stack.deduplication.table;
  const stateMachines = new Map<string, IConstruct>([
    ...stack.runbooks.byLogicalId,
    [DRILL_STATE_MACHINE_LOGICAL_ID, stack.drill.stateMachine],
    [REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID, stack.reviewReminder.stateMachine],
    [EVIDENCE_EXPORT_STATE_MACHINE_LOGICAL_ID, stack.evidenceExport.stateMachine],
  ]);
  const signingKey = stack.evidenceSigningKey.key;
  const signingKeyAliasArn = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_EVIDENCE_SIGNING_KEY_ALIAS}`;
  const digestSigningKeyAliasArn = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS}`;
  const exportSigningKeyAliasArn = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS}`;
  const exportsBucketArn = `arn:aws:s3:::${LOCAL_EVIDENCE_EXPORT_BUCKET}`;

  /** `table/<name>[/index/..|/backup/..]`: the evidence and deduplication tables by their tokens; any other table keeps its name (plans and drills name them). */
  const dynamodb = (resource: string): string[] => {
    const [, name, rest = ''] = /^table\/([^/]+)(\/.*)?$/.exec(resource) ?? [];
    const table = name === LOCAL_TABLE_NAME ? evidenceTable : name === LOCAL_DEDUPLICATION_TABLE_NAME ? deduplicationTable : undefined;
    if (!table) return [arn('dynamodb', resource)];
    return [`${getAtt(table)}${rest}`, arn('dynamodb', `table/${ref(table)}${rest}`)];
  };
  /** `irdr-<logicalId>` locally, `<stack>-<logicalId>` deployed (BlueprintStateMachine's fixed names). */
  const states = (resource: string): string[] | undefined => {
    const [, kind, localName, execution] = /^(stateMachine|execution):([^:]+)(?::(.+))?$/.exec(resource) ?? [];
    const logicalId = localName?.startsWith(LOCAL_NAME_PREFIX) ? localName.slice(LOCAL_NAME_PREFIX.length) : undefined;
    const stateMachine = logicalId === undefined ? undefined : stateMachines.get(logicalId);
    if (!stateMachine || !logicalId) return undefined;
    const deployedName = stateMachineName(stack, logicalId);
    if (kind === 'execution') return execution === undefined ? undefined : [arn('states', `execution:${deployedName}:${execution}`)];
    return [ref(stateMachine), arn('states', `stateMachine:${deployedName}`)];
  };
  /** `irdr-<Name>` is the registry function Name; any other function keeps its name (a plan's custom check). */
  const lambda = (resource: string): string[] => {
    const [, name = '', qualifier] = /^function:([^:]+)(?::(.+))?$/.exec(resource) ?? [];
    const fn = name.startsWith(LOCAL_NAME_PREFIX) ? [...stack.functions.byName].find(([functionName]) => LOCAL_NAME_PREFIX + functionName === name)?.[1] : undefined;
    if (!fn) return [arn('lambda', resource)];
    const suffix = qualifier === undefined ? '' : `:${qualifier}`;
    return [`${getAtt(fn)}${suffix}`, arn('lambda', `function:${ref(fn)}${suffix}`)];
  };

  return (localArn) => {
    if (localArn === '*') return ['*'];
    if (localArn === local.taskLinkSecretArn) return [ref(stack.taskLinkKey)];
    if (local.compliancePlatformsSecretArn !== undefined && localArn === local.compliancePlatformsSecretArn) return [ref(stack.compliancePlatforms.credentials)];
    if (localArn === local.slackSecretArn) return [ref(stack.slackAppSecret)];
    if (localArn === local.evidenceSigningKeyArn || localArn === signingKeyAliasArn) return [getAtt(signingKey)];
    if (localArn === local.digestSigningKeyArn || localArn === digestSigningKeyAliasArn) return [getAtt(stack.evidenceDigests.signingKey.key)];
    if ((local.exportSigningKeyArn !== undefined && localArn === local.exportSigningKeyArn) || localArn === exportSigningKeyAliasArn) return [getAtt(stack.evidenceExportSigningKey.key)];
    // The exports bucket: named by CloudFormation when deployed, by the local stack here.
    if (localArn === exportsBucketArn || localArn.startsWith(`${exportsBucketArn}/`)) return [`${getAtt(stack.evidenceExportBucket.bucket)}${localArn.slice(exportsBucketArn.length)}`];
    const [, service, arnRegion, arnAccount, resource] = /^arn:aws:([^:]+):([^:]*):([^:]*):(.+)$/.exec(localArn) ?? [];
    if (!service || resource === undefined) return undefined;
    // An ARN of another account or region (a plan may name one) is deployed as is.
    if (arnRegion !== LOCAL_REGION || arnAccount !== LOCAL_ACCOUNT_ID) return [localArn];
    if (service === 'dynamodb') return dynamodb(resource);
    if (service === 'states') return states(resource);
    if (service === 'lambda') return lambda(resource);
    // SES identities and configuration sets are named by the config, the same locally and deployed.
    if (service === 'ses') return [arn('ses', resource)];
    // AWS Backup names recovery points itself, in the stack's account and region.
    if (service === 'backup' && resource.startsWith('recovery-point:')) return [arn('backup', resource)];
    // RDS databases, subnet groups and snapshots are named by the plans and the drills, the same locally and deployed.
    if (service === 'rds') return [arn('rds', resource)];
    // A database secret a drill plan names (sqlAccess.secretArn) is granted by the ARN the plan spells: deployed as is.
    if (service === 'secretsmanager' && resource.startsWith('secret:')) return [localArn];
    return undefined;
  };
}
