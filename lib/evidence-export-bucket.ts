import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { flattenCfnReference } from './drill-grants.js';
import { acknowledgeNist } from './nag.js';

export interface EvidenceExportBucketProps {
  /** Where S3 writes this bucket's access logs (the digest bucket's log bucket: who fetched which export). */
  readonly accessLogs: IBucket;
}

/** Days an export's zip (and its month parts) stay: long enough to download, short enough not to be a second copy of the trail. */
export const EXPORT_RETENTION_DAYS = 7;

/**
 * The asynchronous exports' working space: each export's month parts and its signed zip (exports/<id>/…), fetched by
 * the auditor through a short-lived presigned link. Copies, not evidence: they expire; the table and digests remain.
 */
export class EvidenceExportBucket extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceExportBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      // SSE-S3: a presigned download then needs s3:GetObject alone, not kms:Decrypt for whoever follows the link.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ prefix: 'exports/', expiration: Duration.days(EXPORT_RETENTION_DAYS), noncurrentVersionExpiration: Duration.days(1) }],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'evidence-exports/',
      // Copies that expire in a week: nothing is lost with the bucket.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    acknowledgeNist(
      this.bucket,
      'S3DefaultEncryptionKMS',
      'Exports are downloaded through presigned links: with SSE-KMS the link would also need kms:Decrypt on the key for the ' +
        'signer, widening what a leaked link can reach. The objects are week-long copies of evidence kept in the KMS-encrypted table.',
    );
    acknowledgeNist(
      this.bucket,
      'S3BucketReplicationEnabled',
      'Holds week-long copies (month parts and zips) of evidence kept in the table, which has point-in-time recovery and AWS Backup: a lost export is made again.',
    );
  }

  /** The export steps: put and get the parts and zips under exports/ (no list, no delete). */
  public grantWriteFiles(role: IRole): void {
    this.grantObjects(role, ['s3:PutObject', 's3:GetObject'], 'exports/*', 'Each export writes its parts and zip under exports/<export id>/, an id made when the export starts: the grant is that prefix of this one bucket, put and get only.');
  }

  /** What a presigned download link can do: GetObject on the zips, nothing else. */
  public grantLinks(role: IRole): void {
    this.grantObjects(role, ['s3:GetObject'], 'exports/*/*.zip', 'Download links are presigned for an export\'s zip, named by an id made when the export starts: the grant is GetObject of the zips of this one bucket, nothing else.');
  }

  /** The compliance push reads a finished export's zip (SSE-S3: no key grant) to upload it, held to its recorded SHA-256. */
  public grantReadZips(role: IRole): void {
    this.grantObjects(role, ['s3:GetObject'], 'exports/*/*.zip', 'The compliance push uploads a finished export\'s zip, named by an id made when the export starts: GetObject of the zips of this one bucket, nothing else.');
  }

  private grantObjects(role: IRole, actions: string[], pattern: string, reason: string): void {
    const resource = this.bucket.arnForObjects(pattern);
    role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [resource] }));
    Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(resource))}]`, reason });
  }
}
