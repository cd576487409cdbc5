import { DRILL_TABLE_PREFIX } from '../drill-naming.js';
import type { DrillDatabaseNetwork } from './rds-plan.js';
import type { BackupResourceType } from './restore.js';

/*
 * StartRestoreJob's Metadata for a drill: what GetRecoveryPointRestoreMetadata returns for the recovery point,
 * overridden with isolated defaults per type (a new, drill-named resource; no public access; encryption kept; the
 * restored resource deletable). Keys are the ones the AWS Backup Developer Guide documents per type; AWS reads them
 * case-insensitively ("Restore testing inferred metadata"), so an override replaces a key whatever its case.
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html
 */

type Metadata = Readonly<Record<string, string>>;

/** The key that names the restored resource, per type (absent: named by a tag irdr puts on when it claims it). */
const NAME_KEYS: Partial<Record<BackupResourceType, string>> = {
  // https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-dynamodb.html#ddb-restore-cli
  DynamoDB: 'targetTableName',
  // https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html#s3-restore-cli
  S3: 'DestinationBucketName',
  // https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-efs.html#efs-restore-cli (idempotency token of the new file system)
  EFS: 'CreationToken',
  // restore-testing-inferred-metadata (Amazon RDS: dbInstanceIdentifier; Aurora: dbClusterIdentifier), keys as
  // RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot name them (restoring-rds, restoring-aur).
  RDS: 'dbInstanceIdentifier',
  Aurora: 'dbClusterIdentifier',
};

/** Where a database restore goes: the drill network from config (drills.database), never the plan's to choose. */
type DatabaseNetwork = Pick<DrillDatabaseNetwork, 'dbSubnetGroupName' | 'vpcSecurityGroupIds'>;

/** Isolated defaults per type: what a drill always sets, whatever the recovery point or the plan says. */
function isolatedDefaults(type: BackupResourceType, restoredName: string, network: DatabaseNetwork | undefined): Metadata {
  switch (type) {
    case 'RDS':
    case 'Aurora': {
      if (!network) throw new Error('no drill network in config (drills.database): a database is restored only into the drill subnet group');
      // restore-testing-inferred-metadata: deletionProtection false (cleanup deletes), publiclyAccessible false; the drill
      // subnet group and security groups (vpcSecurityGroupIds a JSON list, as restore testing overrides take it).
      const placement = { dbSubnetGroupName: network.dbSubnetGroupName, vpcSecurityGroupIds: JSON.stringify(network.vpcSecurityGroupIds), deletionProtection: 'false' };
      // An Aurora cluster has no public access of its own: the one instance the drill adds is made not publicly accessible.
      return type === 'RDS' ? { dbInstanceIdentifier: restoredName, ...placement, publiclyAccessible: 'false' } : { dbClusterIdentifier: restoredName, ...placement };
    }
    case 'DynamoDB':
      // restore-testing-inferred-metadata: deletionProtection false (cleanup must be able to delete); encryptionType kept.
      return { targetTableName: restoredName, deletionProtection: 'false' };
    case 'S3':
      // restoring-s3 (CLI): a new bucket, never the source; encryption on (EncryptionType / KMSKey kept from the point).
      return { DestinationBucketName: restoredName, NewBucket: 'true', Encrypted: 'true' };
    case 'EFS':
      // StartRestoreJob API reference (EFS keys): newFileSystem true restores into a new file system, never the source.
      return { newFileSystem: 'true', CreationToken: restoredName };
    case 'EBS':
      // restore-testing-inferred-metadata: encrypted true (kmsKeyId kept from the point).
      return { encrypted: 'true' };
    case 'EC2':
      // restore-testing-inferred-metadata: disableApiTermination false (cleanup terminates), requireImdsV2 true.
      return { disableApiTermination: 'false', requireImdsV2: 'true' };
    default:
      return {};
  }
}

/** Recovery point keys a drill drops: they would tie the restore to the source's network (and a public address). */
const DROPPED_KEYS: Partial<Record<BackupResourceType, readonly string[]>> = {
  EC2: ['NetworkInterfaces'],
};

const lower = (key: string): string => key.toLowerCase();

/** `base` with `changes` applied, a changed key replacing any key of the same name in another case. */
function withKeys(base: Metadata, changes: Metadata): Record<string, string> {
  const changed = new Set(Object.keys(changes).map(lower));
  const kept = Object.entries(base).filter(([key]) => !changed.has(lower(key)));
  return Object.fromEntries([...kept, ...Object.entries(changes)]);
}

/**
 * Why each of a plan's metadata overrides would break isolation (empty: none does). Plan validation refuses the
 * plan with these; isolatedRestoreMetadata holds to them again at run time.
 */
export function isolationViolations(type: BackupResourceType, overrides: Metadata): string[] {
  const violations: string[] = [];
  const nameKey = NAME_KEYS[type];
  for (const [key, value] of Object.entries(overrides)) {
    const k = lower(key);
    const v = value.trim().toLowerCase();
    if (nameKey && k === lower(nameKey)) {
      violations.push(
        value.startsWith(DRILL_TABLE_PREFIX)
          ? `${key}: irdr names the restored resource per run (${DRILL_TABLE_PREFIX}<plan>-<run>); a fixed name would collide with the next run`
          : `${key}: "${value}" does not start with the drill prefix "${DRILL_TABLE_PREFIX}"; irdr names the restored resource per run, and cleanup deletes only drill-prefixed resources`,
      );
    } else if ((k === 'newbucket' || k === 'newfilesystem') && v !== 'true') {
      violations.push(`${key}: a drill restores into a new ${type === 'S3' ? 'bucket' : 'file system'}, never into an existing one (the source included)`);
    } else if (k === 'encrypted' && v !== 'true') {
      violations.push(`${key}: a drill keeps the restore encrypted`);
    } else if (k === 'deletionprotection' && v !== 'false') {
      violations.push(`${key}: a protected restored table could not be cleaned up`);
    } else if (k === 'disableapitermination' && v !== 'false') {
      violations.push(`${key}: a restored instance that cannot be terminated could not be cleaned up`);
    } else if (k === 'requireimdsv2' && v !== 'true') {
      violations.push(`${key}: a restored instance requires IMDSv2`);
    } else if ((type === 'RDS' || type === 'Aurora') && (k === 'vpcsecuritygroupids' || k === 'dbsubnetgroupname')) {
      violations.push(`${key}: a drill restores a database into the drill network from config (drills.database dbSubnetGroupName, vpcSecurityGroupIds); remove it`);
    } else if (type === 'RDS' && k === 'dbclusteridentifier') {
      violations.push(`${key}: an RDS instance restore never joins a cluster; remove it`);
    } else if (k === 'publiclyaccessible' && v === 'false') {
      // Not publicly accessible is what a drill sets anyway.
    } else if (k.startsWith('block') && k.includes('public') && v === 'true') {
      // Blocking public access more is always within isolation.
    } else if (k.includes('public') || k.includes('acl') || (DROPPED_KEYS[type] ?? []).some((dropped) => lower(dropped) === k)) {
      violations.push(`${key}: would expose the restore (public access, ACLs or the source's network interfaces); a drill restores with no public access`);
    }
  }
  return violations;
}

/**
 * The metadata to start a drill's restore with: the recovery point's, minus keys that would tie it to the source's
 * network, plus the plan's overrides (which must pass isolationViolations), then the isolated defaults over all.
 */
export function isolatedRestoreMetadata(request: {
  readonly type: BackupResourceType;
  readonly recoveryPointMetadata: Metadata;
  readonly restoredName: string;
  readonly overrides?: Metadata;
  /** RDS and Aurora: the drill network from config. */
  readonly network?: DatabaseNetwork;
}): Record<string, string> {
  const { type, recoveryPointMetadata, restoredName, overrides = {}, network } = request;
  const violations = isolationViolations(type, overrides);
  if (violations.length > 0) throw new Error(`the plan's restore metadata would break isolation: ${violations.join('; ')}`);
  const dropped = new Set((DROPPED_KEYS[type] ?? []).map(lower));
  const fromPoint = Object.fromEntries(Object.entries(recoveryPointMetadata).filter(([key]) => !dropped.has(lower(key))));
  return withKeys(withKeys(fromPoint, overrides), isolatedDefaults(type, restoredName, network));
}
