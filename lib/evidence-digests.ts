import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIGEST_KEY_PREFIX, EVIDENCE_DIGEST_SCHEDULE } from '../functions/domain/evidence/digest-schedule.js';
import { flattenCfnReference } from './drill-grants.js';
import { InvokeExactFunction, schedulerRole } from './drill-schedules.js';
import { KEY_READ_ACTIONS } from './evidence-table.js';
import { EvidenceSigningKey } from './evidence-signing-key.js';
import { acknowledgeNist } from './nag.js';

export interface EvidenceDigestsProps {
  /** Days each digest stays locked in compliance mode (config `evidence.digestRetentionDays`). */
  readonly retentionDays: number;
  /** WriteEvidenceDigest: scheduled daily. */
  readonly writer: IFunction;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Write-once storage of the trail's chain heads: an S3 bucket with Object Lock in compliance mode, so that even someone
 * with full access to the table and the account cannot rewrite history without the digests disagreeing.
 */
export class EvidenceDigests extends Construct {
  public readonly bucket: Bucket;
  public readonly encryptionKey: Key;
  /** Signs each digest (Ed25519), the writer alone (its key policy): a digest anyone else puts into the bucket does not verify. */
  public readonly signingKey: EvidenceSigningKey;
  /** Where S3 writes the digest bucket's access logs (who read or tried to write a digest). */
  public readonly accessLogs: Bucket;
  public readonly schedule: Schedule;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EvidenceDigestsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = new Key(this, 'Key', {
      description: 'Encrypts the irdr evidence digests (write-once chain heads)',
      enableKeyRotation: true,
      removalPolicy,
    });
    // Retained whatever the stack's removal policy: digests stay checkable against its public key as long as they are kept.
    this.signingKey = new EvidenceSigningKey(this, 'SigningKey', { description: 'irdr: signs evidence digests (Ed25519); only the digest writer may sign', removalPolicy: RemovalPolicy.RETAIN });
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(Math.max(props.retentionDays, 365)), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'digest-bucket/',
      removalPolicy,
    });
    // Object Lock in compliance mode still lets a writer put a new version over a digest or a delete marker on it: the
    // bucket refuses both, to every principal, whatever IAM grants (the verifier also lists versions, for what gets past).
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyPutWithoutIfNoneMatch',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringNotEquals: { 's3:if-none-match': '*' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyDeleteDigests',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    acknowledgeNist(
      this.accessLogs,
      'S3DefaultEncryptionKMS',
      'This bucket receives S3 server access logs, which S3 delivers only to SSE-S3 buckets: with SSE-KMS default encryption, ' +
        'AWS documents that log objects may be written under a key the owner cannot use ("Enabling Amazon S3 server access ' +
        'logging"). It holds request records of the digest bucket, no evidence.',
    );
    acknowledgeNist(
      this.accessLogs,
      'S3BucketReplicationEnabled',
      'Holds only the digest bucket\'s S3 server access logs, which S3 itself delivers best-effort: a replica in another ' +
        'region would be a second bucket for operational records, while the digests they describe are protected by Object Lock.',
    );
    acknowledgeNist(
      this.bucket,
      'S3BucketReplicationEnabled',
      'The digests are protected by Object Lock in compliance mode: for evidence.digestRetentionDays nobody, the account root ' +
        'included, can delete or overwrite one. A replica needs a second Object Lock bucket in another region or account, which ' +
        'this single-region stack does not own; losing the bucket would lose the proof that the trail is intact, not the trail ' +
        '(the table has point-in-time recovery and AWS Backup).',
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the daily digest schedule: it has no dead-letter queue of its own.',
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'irdr: writes the head of every incident and drill-run trail to the write-once digest bucket',
      schedule: ScheduleExpression.expression(EVIDENCE_DIGEST_SCHEDULE.expression, TimeZone.of(EVIDENCE_DIGEST_SCHEDULE.timeZone)),
      target: new InvokeExactFunction(props.writer, {
        role: schedulerRole(this, 'SchedulerRole', 'Writes the daily irdr evidence digest'),
        input: ScheduleTargetInput.fromText('{}'),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
  }

  /** EVIDENCE_DIGEST_STORE of the functions: this bucket, under the one prefix the grants name. */
  public get storeUrl(): string {
    return `s3://${this.bucket.bucketName}/${DIGEST_KEY_PREFIX}`;
  }

  private get digestObjects(): string {
    return this.bucket.arnForObjects(`${DIGEST_KEY_PREFIX}/digests/*`);
  }

  /** Versions too: a digest with a second version or a delete marker is reported, and its first version read. */
  private grantList(grantee: IRole): void {
    grantee.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketVersions'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${DIGEST_KEY_PREFIX}/digests/*`] } },
      }),
    );
  }

  /** List every version of the digests, read them, and read the signing key's public half to check them. */
  public grantRead(grantee: IRole): void {
    this.grantReadObjects(grantee);
    this.signingKey.key.grant(grantee, 'kms:GetPublicKey');
  }

  private grantReadObjects(grantee: IRole): void {
    this.grantList(grantee);
    grantee.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObjectVersion'], resources: [this.digestObjects] }));
    this.encryptionKey.grant(grantee, ...KEY_READ_ACTIONS);
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(this.digestObjects))}]`,
      reason: 'Digests are named by the time they are written (digests/YYYY/MM/DD/<time>.json): the grant covers the digest prefix of this one bucket, nothing else.',
    });
  }

  /** Put and sign new digests, and read the newest to link to it: no delete, no retention or legal-hold change, no overwrite (If-None-Match). */
  public grantWrite(grantee: IRole): void {
    this.grantReadObjects(grantee);
    grantee.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.digestObjects] }));
    this.encryptionKey.grant(grantee, 'kms:GenerateDataKey');
    // Sign and GetPublicKey, in the role's policy and in the key's, which denies Sign to everyone else.
    this.signingKey.allowOnlySigner(grantee);
  }
}
