import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DRILL_PLAN_PK_PREFIX, DRILL_RUN_PK_PREFIX, EXPORT_PK_PREFIX, INCIDENT_PK_PREFIX } from '../functions/domain/keys.js';
import { tableDesign, type GlobalIndexName } from '../functions/domain/table-design.js';
import type { FunctionPermission } from '../functions/registry.js';

/**
 * How irdr keeps a table of its own (the evidence table, and the deduplication table beside it): string keys from its
 * design, on-demand, point-in-time recovery, deletion protection, encrypted with the given customer-managed key.
 */
export function keptTableProps(design: { readonly partitionKey: string; readonly sortKey: string }, encryptionKey: IKey): TableProps {
  return {
    partitionKey: { name: design.partitionKey, type: AttributeType.STRING },
    sortKey: { name: design.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
  };
}

/**
 * DynamoDB actions behind `table:read`. No Scan: every access pattern is a GetItem or Query
 * (DESIGN.md, "Data"), and IAM keeps it that way.
 */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Writes to the evidence table, each on its partition families only (`dynamodb:LeadingKeys`, ForAllValues:StringLike).
 * PutItem adds items, UpdateItem changes a record's state. No DeleteItem and no BatchWriteItem (which deletes too):
 * nothing the handlers do removes an item. IAM can neither condition on the sort key nor require a
 * ConditionExpression: what that leaves open, the hash chain and the digests detect (docs/table-access.md).
 */
export const EVIDENCE_WRITE_GRANTS = {
  'incidents:append': { action: 'dynamodb:PutItem', leadingKeys: [`${INCIDENT_PK_PREFIX}*`] },
  'incidents:update': { action: 'dynamodb:UpdateItem', leadingKeys: [`${INCIDENT_PK_PREFIX}*`] },
  'drill-runs:append': { action: 'dynamodb:PutItem', leadingKeys: [`${DRILL_RUN_PK_PREFIX}*`] },
  'drill-runs:update': { action: 'dynamodb:UpdateItem', leadingKeys: [`${DRILL_RUN_PK_PREFIX}*`] },
  'drill-plans:set-state': { action: 'dynamodb:PutItem', leadingKeys: [`${DRILL_PLAN_PK_PREFIX}*`] },
  'evidence-exports:append': { action: 'dynamodb:PutItem', leadingKeys: [`${EXPORT_PK_PREFIX}*`] },
  'evidence-exports:update': { action: 'dynamodb:UpdateItem', leadingKeys: [`${EXPORT_PK_PREFIX}*`] },
} as const satisfies Partial<Record<FunctionPermission, { readonly action: string; readonly leadingKeys: readonly string[] }>>;

export type EvidenceWrite = keyof typeof EVIDENCE_WRITE_GRANTS;
export const isEvidenceWrite = (permission: FunctionPermission): permission is EvidenceWrite => permission in EVIDENCE_WRITE_GRANTS;

/** What a caller needs of the table's key: DynamoDB decrypts the table key on the caller's behalf. */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
export const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

/**
 * The TTL attribute the evidence table had before expiring records moved out. TTL is disabled explicitly: CloudFormation
 * leaves TTL on (or fails) when the specification is only removed, so a deployed table would keep deleting by `ttl`.
 */
export const FORMER_TIME_TO_LIVE_ATTRIBUTE = 'ttl';

export interface EvidenceTableProps {
  /**
   * What happens to the table (and its key) when it leaves the stack.
   * @default RemovalPolicy.RETAIN (the table is audit evidence)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single table of incidents, drill runs and their hash-chained events, built from
 * functions/domain/table-design.ts (the one place its keys are named). No TTL: nothing in it may expire.
 */
export class EvidenceTable extends Construct {
  public readonly table: Table;
  /** Customer-managed key: who may read the evidence is decided in this account's IAM, and audited in CloudTrail. */
  public readonly encryptionKey: Key;

  constructor(scope: Construct, id: string, props: EvidenceTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey = new Key(this, 'Key', {
      description: 'Encrypts the irdr evidence table (incidents, drill runs, event trail)',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new Table(this, 'Table', { ...keptTableProps(tableDesign, this.encryptionKey), removalPolicy });
    (this.table.node.defaultChild as CfnTable).timeToLiveSpecification = { attributeName: FORMER_TIME_TO_LIVE_ATTRIBUTE, enabled: false };
    for (const index of tableDesign.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
  }

  /**
   * Least-privilege access for one principal: `read` is GetItem/Query on the table and each named index (no
   * `index/*` wildcard); each write is its action on the table (DynamoDB maintains the indexes) for its partition
   * families only, one statement per action. Either needs the table's key, which DynamoDB uses on the caller's behalf.
   */
  public grantAccess(grantee: IGrantable, access: { readonly read: boolean; readonly writes: readonly EvidenceWrite[]; readonly indexes?: readonly GlobalIndexName[] }): void {
    if (!access.read && access.writes.length === 0) return;
    const principal = grantee.grantPrincipal;
    if (access.read) principal.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_READ_ACTIONS], resources: [this.table.tableArn] }));
    // Only the indexes the function queries: most read by key and never list.
    if (access.read && access.indexes && access.indexes.length > 0) {
      const indexArns = access.indexes.map((indexName) => `${this.table.tableArn}/index/${indexName}`);
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
    }
    const leadingKeysByAction = new Map<string, string[]>();
    for (const write of access.writes) {
      const { action, leadingKeys } = EVIDENCE_WRITE_GRANTS[write];
      leadingKeysByAction.set(action, [...new Set([...(leadingKeysByAction.get(action) ?? []), ...leadingKeys])]);
    }
    for (const [action, leadingKeys] of leadingKeysByAction) {
      principal.addToPrincipalPolicy(
        new PolicyStatement({ actions: [action], resources: [this.table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } } }),
      );
    }
    const keyActions = access.writes.length > 0 ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS;
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: [...keyActions], resources: [this.encryptionKey.keyArn] }));
  }
}
