import { RemovalPolicy } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FINDING_PK_PREFIX, IDEMPOTENCY_PK_PREFIX, PUSH_PK_PREFIX, RESTORE_WAIT_PK_PREFIX, SOURCE_COUNT_PK_PREFIX } from '../functions/domain/keys.js';
import { deduplicationTableDesign } from '../functions/domain/table-design.js';
import { KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, keptTableProps } from './evidence-table.js';
import { acknowledgeNist } from './nag.js';

/**
 * DynamoDB actions behind `idempotency`: what Powertools idempotency does to its records (DeleteItem
 * when the operation fails, so the caller may retry), allowed only on `IDEM#` partitions.
 */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
/** DynamoDB actions behind `findings:claim`: the conditional put that claims, the read of a claim, and marking its run started. */
export const FINDING_CLAIM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** DynamoDB actions on a drill's restore wait (RESTOREWAIT#): the waiting step keeps its token, the event handler reads it. */
export const RESTORE_WAIT_KEEP_ACTIONS = ['dynamodb:PutItem'] as const;
export const RESTORE_WAIT_READ_ACTIONS = ['dynamodb:GetItem'] as const;
/** Counts of a drill's source at known times (SOURCECOUNT#): the canary writer keeps its count under way and records finished ones; a drill reads them. */
export const SOURCE_COUNT_RECORD_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] as const;
export const SOURCE_COUNT_READ_ACTIONS = ['dynamodb:Query'] as const;
/** `compliance:push`: a push's record (conditional put, lease and settle), the pending queue (query, put, delete). */
export const COMPLIANCE_PUSH_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] as const;
/** `compliance:enqueue`: a sign-off only queues its record. */
export const COMPLIANCE_ENQUEUE_ACTIONS = ['dynamodb:PutItem'] as const;

export interface DeduplicationTableProps {
  /** Encrypts the table (the evidence table's key: the same people decide who may read either). */
  readonly encryptionKey: IKey;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Idempotency records and finding claims, beside the evidence table: the records that expire (TTL) or are changed in
 * place live here, so the evidence table has no TTL and grants no write outside its incident and drill partitions.
 */
export class DeduplicationTable extends Construct {
  public readonly table: Table;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: DeduplicationTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.table = new Table(this, 'Table', {
      ...keptTableProps(deduplicationTableDesign, props.encryptionKey),
      timeToLiveAttribute: deduplicationTableDesign.timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledgeNist(
      this.table,
      'DynamoDBInBackupPlan',
      'Holds no evidence: idempotency records (expiring after 24 hours) and finding claims, which deduplicate requests and ' +
        'finding deliveries. Point-in-time recovery (35 days) restores it after a mistake; the evidence table is the one in the backup plan.',
    );
  }

  /** Idempotency records for one principal: IDEMPOTENCY_ACTIONS on items whose partition key starts with `IDEM#`, and nothing else. */
  public grantIdempotencyRecords(grantee: IGrantable): void {
    this.grantOnPartitions(grantee, IDEMPOTENCY_ACTIONS, `${IDEMPOTENCY_PK_PREFIX}*`);
  }

  /** Finding claims for one principal: FINDING_CLAIM_ACTIONS on items whose partition key starts with `FINDING#`, and nothing else. */
  public grantFindingClaims(grantee: IGrantable): void {
    this.grantOnPartitions(grantee, FINDING_CLAIM_ACTIONS, `${FINDING_PK_PREFIX}*`);
  }

  /** A drill's restore waits (`RESTOREWAIT#` items): keep (PutItem) or read (GetItem) the token, nothing else. */
  public grantRestoreWaits(grantee: IGrantable, access: 'keep' | 'read'): void {
    if (access === 'keep') this.grantOnPartitions(grantee, RESTORE_WAIT_KEEP_ACTIONS, `${RESTORE_WAIT_PK_PREFIX}*`);
    else this.grantOnPartitions(grantee, RESTORE_WAIT_READ_ACTIONS, `${RESTORE_WAIT_PK_PREFIX}*`, KEY_READ_ACTIONS);
  }

  /** Recorded source counts (`SOURCECOUNT#` items): kept and recorded by the canary writer, read by the checks. */
  public grantSourceCounts(grantee: IGrantable, access: 'record' | 'read'): void {
    if (access === 'record') this.grantOnPartitions(grantee, SOURCE_COUNT_RECORD_ACTIONS, `${SOURCE_COUNT_PK_PREFIX}*`);
    else this.grantOnPartitions(grantee, SOURCE_COUNT_READ_ACTIONS, `${SOURCE_COUNT_PK_PREFIX}*`, KEY_READ_ACTIONS);
  }

  /** Compliance push records for one principal (`PUSH#` partitions), with the given actions and nothing else. */
  public grantCompliancePushes(grantee: IGrantable, actions: readonly string[]): void {
    this.grantOnPartitions(grantee, actions, `${PUSH_PK_PREFIX}*`);
  }

  private grantOnPartitions(grantee: IGrantable, actions: readonly string[], leadingKey: string, keyActions: readonly string[] = KEY_WRITE_ACTIONS): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...actions], resources: [this.table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [leadingKey] } } }),
    );
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: [...keyActions], resources: [this.encryptionKey.keyArn] }));
  }
}
