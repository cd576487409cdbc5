import { beforeAll, describe, expect, it } from 'vitest';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import type { DrillDataPermission } from '../../lib/drill-grants.js';
import { drillGrantRoles, type DrillGrantRoles } from './drill-grant-roles.js';
import { iamTermsOf, termsUnknownToIam } from './iam-reference.js';
import { DEPLOYED, simulateRequest } from './iam-simulation.js';
import { renderCfn, type SynthesizedPolicyStatement, type TemplateResource } from './synthesized-app.js';

/*
 * The drills:* grants for plans of other AWS Backup types (EFS, EBS by tags, EC2, S3), in a bare stack deployed into
 * iam-simulation's account: exactly which statements, every action and condition key known to IAM, and the calls
 * the driver makes (drill-aws-backup-resources.test.ts) allowed only on what a drill made: run-tagged deletes,
 * drill-keyed tag writes, drill-prefixed buckets. No local emulator runs these services, so no call is recorded.
 */

const { account: ACCOUNT, region: REGION } = DEPLOYED;
const RESTORE_ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-backup-restore`;
const base = {
  title: 'A drill',
  owner: 'owner@example.com',
  schedule: { expression: 'rate(7 days)' },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  recipients: { roles: ['commander'] },
  controls: ['SOC2 A1.3'],
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE },
  checks: [{ type: 'custom', functionName: 'check-restored' }],
};
const plans = [
  DrillPlan.parse({ ...base, id: 'files', source: { type: 'aws-backup-resource', resourceType: 'EFS', resourceArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0123456789abcdef0` } }),
  DrillPlan.parse({ ...base, id: 'volumes', source: { type: 'aws-backup-resource', resourceType: 'EBS', selection: { tags: { backup: 'daily' } } } }),
  DrillPlan.parse({ ...base, id: 'servers', source: { type: 'aws-backup-resource', resourceType: 'EC2', resourceArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0` } }),
  DrillPlan.parse({ ...base, id: 'exports', source: { type: 'aws-backup-resource', resourceType: 'S3', resourceArn: 'arn:aws:s3:::orders-exports' } }),
];

let roles: DrillGrantRoles;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  roles = drillGrantRoles(plans);
  ({ resources } = roles);
});

const deployedStatements = (permission: DrillDataPermission): SynthesizedPolicyStatement[] => roles.deployedStatements(permission);

const summary = (permission: DrillDataPermission) =>
  deployedStatements(permission).map((statement) => ({
    Action: [statement.Action].flat().sort(),
    Resource: [statement.Resource].flat().map((resource) => renderCfn(resource)).sort(),
    ...(statement.Condition && { Condition: statement.Condition }),
  }));

/** Allowed outright: by the statements alone, with every condition evaluated on what the request carries. */
async function allowed(permission: DrillDataPermission, action: string, resource: string, conditionValues: Record<string, string[]> = {}): Promise<boolean> {
  const outcome = await simulateRequest(deployedStatements(permission), { action, resource, conditionValues });
  return outcome.allowed && outcome.unevaluatedConditions.length === 0 && outcome.error === undefined;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const runTagged = { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: ['run-1'] };
const drillTags = { 'aws:TagKeys': ['Name', DRILL_RUN_TAG, DRILL_PLAN_TAG], [`aws:RequestTag/${DRILL_RUN_TAG}`]: ['run-1'] };
const WILDCARD_CONDITIONS = {
  tagWrites: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', DRILL_RUN_TAG, DRILL_PLAN_TAG] }, Null: { [`aws:RequestTag/${DRILL_RUN_TAG}`]: 'false' } },
  runTagged: { Null: { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: 'false' } },
};

describe('drills:* grants for AWS Backup resources of other types', () => {
  it('names only actions and condition keys AWS IAM knows', async () => {
    expect(await termsUnknownToIam(iamTermsOf(resources))).toEqual([]);
  });

  it('drills:inspect-source: the protected resource, and (for tag selections) the protected and tagged lists', () => {
    const actions = summary('drills:inspect-source').flatMap((statement) => statement.Action);
    expect(actions).toEqual(
      expect.arrayContaining(['backup:ListRecoveryPointsByResource', 'backup:DescribeProtectedResource', 'backup:ListProtectedResources', 'tag:GetResources']),
    );
    // The restore metadata is read as the restore starts (StartDrillRestore, drills:restore), not in preflight.
    expect(actions).not.toContain('backup:GetRecoveryPointRestoreMetadata');
    expect(summary('drills:restore').flatMap((statement) => statement.Action)).toContain('backup:GetRecoveryPointRestoreMetadata');
    expect(actions.filter((action) => /Delete|Terminate|Put|Tag/.test(action) && action !== 'tag:GetResources')).toEqual([]);
  });

  it('drills:inspect-restore and drills:cleanup: exactly these statements', () => {
    const fileSystems = arn('elasticfilesystem', 'file-system/*');
    const volumes = arn('ec2', 'volume/*');
    const instances = arn('ec2', 'instance/*');
    expect(summary('drills:inspect-restore')).toEqual([
      { Action: ['backup:DescribeRestoreJob'], Resource: ['*'] },
      { Action: ['elasticfilesystem:DescribeFileSystems'], Resource: [fileSystems] },
      { Action: ['elasticfilesystem:TagResource'], Resource: [fileSystems], Condition: WILDCARD_CONDITIONS.tagWrites },
      { Action: ['ec2:DescribeVolumes'], Resource: ['*'] },
      { Action: ['ec2:DescribeInstances'], Resource: ['*'] },
      { Action: ['ec2:CreateTags'], Resource: [instances, volumes].sort(), Condition: WILDCARD_CONDITIONS.tagWrites },
      { Action: ['s3:GetBucketTagging', 's3:ListBucket', 's3:PutBucketPublicAccessBlock', 's3:PutBucketTagging'], Resource: ['arn:aws:s3:::irdr-drill-*'] },
    ]);
    expect(summary('drills:cleanup')).toEqual([
      { Action: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'], Resource: [fileSystems] },
      { Action: ['elasticfilesystem:DeleteFileSystem', 'elasticfilesystem:DeleteMountTarget'], Resource: [fileSystems], Condition: WILDCARD_CONDITIONS.runTagged },
      { Action: ['ec2:TerminateInstances'], Resource: [instances], Condition: WILDCARD_CONDITIONS.runTagged },
      { Action: ['ec2:DeleteVolume'], Resource: [volumes], Condition: WILDCARD_CONDITIONS.runTagged },
      { Action: ['s3:DeleteBucket', 's3:GetBucketTagging', 's3:ListBucketVersions'], Resource: ['arn:aws:s3:::irdr-drill-*'] },
      { Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: ['arn:aws:s3:::irdr-drill-*/*'] },
    ]);
  });

  it('cleanup deletes a run-tagged file system, volume or instance; never an untagged one (the source, or anyone\'s)', async () => {
    for (const [action, resource] of [
      ['elasticfilesystem:DeleteMountTarget', arn('elasticfilesystem', 'file-system/fs-0000000000000000f')],
      ['elasticfilesystem:DeleteFileSystem', arn('elasticfilesystem', 'file-system/fs-0000000000000000f')],
      ['ec2:DeleteVolume', arn('ec2', 'volume/vol-0000000000000000f')],
      ['ec2:TerminateInstances', arn('ec2', 'instance/i-0000000000000000f')],
    ] as const) {
      expect(await allowed('drills:cleanup', action, resource, runTagged), `${action} run-tagged`).toBe(true);
      expect(await allowed('drills:cleanup', action, resource), `${action} untagged`).toBe(false);
    }
  });

  it('cleanup empties and deletes drill-prefixed buckets only', async () => {
    expect(await allowed('drills:cleanup', 's3:DeleteBucket', 'arn:aws:s3:::irdr-drill-exports-run-1')).toBe(true);
    expect(await allowed('drills:cleanup', 's3:DeleteObjectVersion', 'arn:aws:s3:::irdr-drill-exports-run-1/a/key')).toBe(true);
    expect(await allowed('drills:cleanup', 's3:DeleteBucket', 'arn:aws:s3:::orders-exports')).toBe(false);
    expect(await allowed('drills:cleanup', 's3:DeleteObjectVersion', 'arn:aws:s3:::orders-exports/a/key')).toBe(false);
  });

  it('a claim writes the drill tags only: another tag key (or none of the run) is refused', async () => {
    const volume = arn('ec2', 'volume/vol-0000000000000000f');
    expect(await allowed('drills:inspect-restore', 'ec2:CreateTags', volume, drillTags)).toBe(true);
    expect(await allowed('drills:inspect-restore', 'ec2:CreateTags', volume, { ...drillTags, 'aws:TagKeys': ['Name', DRILL_RUN_TAG, 'Owner'] })).toBe(false);
    expect(await allowed('drills:inspect-restore', 'ec2:CreateTags', volume, { 'aws:TagKeys': ['Name'] })).toBe(false);
    const fileSystem = arn('elasticfilesystem', 'file-system/fs-0000000000000000f');
    expect(await allowed('drills:inspect-restore', 'elasticfilesystem:TagResource', fileSystem, drillTags)).toBe(true);
    expect(await allowed('drills:inspect-restore', 'elasticfilesystem:TagResource', fileSystem, { ...drillTags, 'aws:TagKeys': ['env'] })).toBe(false);
  });
});
