import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { EVIDENCE_DIGEST_SCHEDULE } from '../../functions/domain/evidence/digest-schedule.js';
import { functionRegistry, type FunctionName } from '../../functions/registry.js';
import { renderCfn, statementsOfRole, synthesizeIrdr, type SynthesizedIrdr, type SynthesizedPolicyStatement } from './synthesized-app.js';

let synth: SynthesizedIrdr;
beforeAll(() => {
  synth = synthesizeIrdr({ bundle: false });
});
afterAll(() => {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

const props = (logicalId: string): Record<string, any> => synth.resources[logicalId]?.Properties ?? {};
const bucketId = () => synth.logicalIdOf(synth.stack.evidenceDigests.bucket);
const statementsOf = (name: FunctionName): SynthesizedPolicyStatement[] =>
  statementsOfRole(synth.resources, synth.logicalIdOf(synth.stack.functions.get(name).role!));
const s3Actions = (statements: SynthesizedPolicyStatement[]): string[] =>
  statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith('s3:')).sort();

describe('evidence digest bucket', () => {
  it('locks every digest in compliance mode for the configured retention, versioned, retained with the stack', () => {
    const bucket = props(bucketId());
    expect(bucket.ObjectLockEnabled).toBe(true);
    expect(bucket.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: irdrConfig.evidence.digestRetentionDays } },
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(synth.resources[bucketId()]!.DeletionPolicy).toBe('Retain');
  });

  it('is encrypted with its own rotating key, blocks public access, refuses plain HTTP and logs access', () => {
    const bucket = props(bucketId());
    const keyId = synth.logicalIdOf(synth.stack.evidenceDigests.encryptionKey);
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(props(keyId).EnableKeyRotation).toBe(true);
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const logsId = synth.logicalIdOf(synth.stack.evidenceDigests.accessLogs);
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logsId });
    // Logs arrive under a bucket policy naming this bucket as their source, not the legacy log-delivery ACL.
    expect(props(logsId).AccessControl).toBeUndefined();
    const logsPolicy = Object.values(synth.resources).find((resource) => resource.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(resource.Properties?.Bucket) === JSON.stringify({ Ref: logsId }));
    expect((logsPolicy?.Properties?.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId(), 'Arn'] } } }) }),
    );
    const policy = Object.values(synth.resources).find((resource) => resource.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(resource.Properties?.Bucket) === JSON.stringify({ Ref: bucketId() }));
    expect((policy?.Properties?.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('refuses, to every principal whatever IAM grants, a put without If-None-Match: * (a new version over a digest) and any delete (a delete marker)', () => {
    const policy = Object.values(synth.resources).find((resource) => resource.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(resource.Properties?.Bucket) === JSON.stringify({ Ref: bucketId() }));
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(), 'Arn'] }, '/*']] };
    expect(statements).toContainEqual({
      Sid: 'DenyPutWithoutIfNoneMatch',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objects,
      Condition: { StringNotEquals: { 's3:if-none-match': '*' } },
    });
    expect(statements).toContainEqual({ Sid: 'DenyDeleteDigests', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: objects });
  });

  it('signs each digest with its own Ed25519 KMS key: the writer may sign, the verifier reads the public half, nobody else uses it', () => {
    const keyId = synth.logicalIdOf(synth.stack.evidenceDigests.signingKey.key);
    expect(props(keyId)).toMatchObject({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
    expect(synth.resources[keyId]!.DeletionPolicy).toBe('Retain');
    const onKey = (name: FunctionName): string[] =>
      statementsOf(name)
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${keyId}"`))
        .flatMap((statement) => [statement.Action].flat())
        .sort();
    expect(onKey('WriteEvidenceDigest')).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(onKey('VerifyEvidence')).toEqual(['kms:GetPublicKey']);
    // The key policy itself: Sign for the writer's role alone, denied to every other principal (admins and root included).
    const writerRole = { 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.functions.get('WriteEvidenceDigest').role!), 'Arn'] };
    const statements = (props(keyId).KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements.filter((statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('kms:Sign'))).toEqual([
      expect.objectContaining({ Principal: { AWS: writerRole }, Action: ['kms:Sign', 'kms:GetPublicKey'] }),
    ]);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign', Condition: { ArnNotEquals: { 'aws:PrincipalArn': writerRole } } }));
    expect(statements.filter((statement) => statement.Action === 'kms:*' || [statement.Action].flat().includes('kms:*'))).toEqual([]);
    for (const spec of functionRegistry) if (!['WriteEvidenceDigest', 'VerifyEvidence'].includes(spec.name)) expect(onKey(spec.name), spec.name).toEqual([]);
  });

  it('lets the digest writer put and read digests only, and nothing delete them or touch their retention', () => {
    // Versions, not latest objects: the verifier reports a second version or a delete marker and reads the first.
    expect(s3Actions(statementsOf('WriteEvidenceDigest'))).toEqual(['s3:GetObjectVersion', 's3:ListBucketVersions', 's3:PutObject']);
    expect(s3Actions(statementsOf('VerifyEvidence'))).toEqual(['s3:GetObjectVersion', 's3:ListBucketVersions']);
    const put = statementsOf('WriteEvidenceDigest').find((statement) => [statement.Action].flat().includes('s3:PutObject'))!;
    expect(renderCfn(put.Resource)).toBe(`\${${bucketId()}.Arn}/irdr/digests/*`);
    // What may reach the digest bucket: statements naming it, or any bucket (drills' own irdr-drill-* buckets cannot).
    const reachesDigests = (statement: SynthesizedPolicyStatement): boolean =>
      [statement.Resource].flat().some((resource) => renderCfn(resource).includes(bucketId()) || /^(\*|arn:[^:]*:s3:::\*.*)$/.test(renderCfn(resource).replace('${AWS::Partition}', 'aws')));
    for (const spec of functionRegistry) {
      const actions = s3Actions(statementsOf(spec.name).filter(reachesDigests));
      expect(actions.filter((action) => /Delete|Retention|LegalHold|PutBucket|Lifecycle/.test(action)), spec.name).toEqual([]);
      if (!['WriteEvidenceDigest', 'VerifyEvidence'].includes(spec.name)) expect(actions, spec.name).toEqual([]);
    }
  });

  it('writes a digest daily through EventBridge Scheduler, with a dead-letter queue', () => {
    const schedule = props(synth.logicalIdOf(synth.stack.evidenceDigests.schedule));
    expect(schedule.ScheduleExpression).toBe(EVIDENCE_DIGEST_SCHEDULE.expression);
    expect(schedule.ScheduleExpressionTimezone).toBe(EVIDENCE_DIGEST_SCHEDULE.timeZone);
    expect(schedule.Target.Arn).toEqual({ 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.functions.get('WriteEvidenceDigest')), 'Arn'] });
    expect(schedule.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.evidenceDigests.deadLetterQueue), 'Arn'] });
  });
});

describe('evidence configuration', () => {
  it('stops a wrong retention with the key and what is allowed', () => {
    const result = IrdrConfig.safeParse({ ...irdrConfig, evidence: { digestRetentionDays: 0 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['evidence', 'digestRetentionDays'], message: 'at least 1 day' });
  });
});
