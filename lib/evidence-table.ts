import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IDEMPOTENCY_PK_PREFIX } from '../functions/domain/keys.js';
import { tableDesign, type GlobalIndexName } from '../functions/domain/table-design.js';

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
 * DynamoDB actions behind `table:write`. No DeleteItem: the trail is append-only and
 * nothing the handlers do removes an item.
 */
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * DynamoDB actions behind `idempotency`: what Powertools idempotency does to its records (DeleteItem
 * when the operation fails, so the caller may retry), allowed only on `IDEM#` partitions.
 */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** What a caller needs of the table's key: DynamoDB decrypts the table key on the caller's behalf. */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
export const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

export interface EvidenceTableProps {
  /**
   * What happens to the table (and its key) when it leaves the stack.
   * @default RemovalPolicy.RETAIN (the table is audit evidence)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single table of incidents, drill runs and their hash-chained events, built from
 * functions/domain/table-design.ts (the one place its keys are named).
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

    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDesign.partitionKey),
      sortKey: stringKey(tableDesign.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      removalPolicy,
    });
    for (const index of tableDesign.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
      });
    }
  }

  /**
   * Least-privilege access for one principal: `read` is GetItem/Query on the table and each named
   * index (no `index/*` wildcard); `write` is Put/Update on the table only (DynamoDB maintains the
   * indexes). Either needs the table's key, which DynamoDB uses on the caller's behalf.
   */
  public grantAccess(grantee: IGrantable, access: { readonly read: boolean; readonly write: boolean; readonly indexes?: readonly GlobalIndexName[] }): void {
    if (!access.read && !access.write) return;
    const principal = grantee.grantPrincipal;
    const tableActions = [...(access.read ? TABLE_READ_ACTIONS : []), ...(access.write ? TABLE_WRITE_ACTIONS : [])];
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: tableActions, resources: [this.table.tableArn] }));
    // Only the indexes the function queries: most read by key and never list.
    if (access.read && access.indexes && access.indexes.length > 0) {
      const indexArns = access.indexes.map((indexName) => `${this.table.tableArn}/index/${indexName}`);
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
    }
    const keyActions = access.write ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS;
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: [...keyActions], resources: [this.encryptionKey.keyArn] }));
  }

  /** Idempotency records for one principal: IDEMPOTENCY_ACTIONS on items whose partition key starts with `IDEM#`, and nothing else. */
  public grantIdempotencyRecords(grantee: IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...IDEMPOTENCY_ACTIONS],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${IDEMPOTENCY_PK_PREFIX}*`] } },
      }),
    );
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: [...KEY_WRITE_ACTIONS], resources: [this.encryptionKey.keyArn] }));
  }
}
