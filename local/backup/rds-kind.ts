import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { BackupResourceKind, NativeProgress } from './resource-kind.js';

/*
 * RDS DB instances (ResourceType `RDS`) and Aurora DB clusters (`Aurora`), through the local RDS's wire API: a backup
 * is the database's own snapshot (AWS Backup's RDS recovery points are RDS snapshots); a restore is
 * RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot with the metadata's keys, which the AWS Backup
 * Developer Guide names after those calls' parameters (restore-testing-inferred-metadata; restoring-rds,
 * restoring-aur), read case-insensitively as AWS does. As in AWS, an Aurora restore makes the cluster only: no instance.
 */

const INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:([a-z][a-z0-9-]{0,62})$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:([a-z][a-z0-9-]{0,62})$/;
/** RDS identifiers: a letter, then letters, digits and single hyphens, 63 at most, no trailing hyphen. */
const RDS_IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
const BOOLEAN_KEYS = ['deletionProtection', 'publiclyAccessible', 'multiAZ'];

const errorText = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;
/** Metadata keys as AWS reads them: case-insensitively. */
const valueOf = (metadata: Readonly<Record<string, string>>, key: string): string | undefined => Object.entries(metadata).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
const booleanOf = (metadata: Readonly<Record<string, string>>, key: string): boolean | undefined => {
  const value = valueOf(metadata, key);
  return value === undefined ? undefined : value.toLowerCase() === 'true';
};
/** vpcSecurityGroupIds: a JSON list of ids, as restore testing overrides take it. */
const securityGroupsOf = (metadata: Readonly<Record<string, string>>): string[] | undefined => {
  const value = valueOf(metadata, 'vpcSecurityGroupIds');
  return value === undefined ? undefined : (JSON.parse(value) as string[]);
};

/** What both kinds check of a restore's metadata: the new database's name, booleans, the security group list. */
function databaseMetadataProblem(metadata: Readonly<Record<string, string>>, nameKey: string): string | undefined {
  const name = valueOf(metadata, nameKey);
  if (name === undefined || name === '') return `Metadata must name the database to create: ${nameKey} is required`;
  if (!RDS_IDENTIFIER.test(name)) return `${nameKey} '${name}' is not an RDS identifier (1-63 letters, digits and hyphens, a letter first, no '--', no trailing '-')`;
  for (const key of BOOLEAN_KEYS) {
    const value = valueOf(metadata, key);
    if (value !== undefined && !['true', 'false'].includes(value.toLowerCase())) return `${key} '${value}' must be true or false`;
  }
  const groups = valueOf(metadata, 'vpcSecurityGroupIds');
  if (groups !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(groups);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string')) return `vpcSecurityGroupIds '${groups}' must be a JSON list of security group ids, e.g. ["sg-0123456789abcdef0"]`;
  }
  return undefined;
}

const statusProgress = (what: string, status: string | undefined): NativeProgress => {
  if (status === 'available') return { state: 'COMPLETED' };
  if (status === 'creating' || status === 'backing-up' || status === 'modifying') return { state: 'RUNNING' };
  return { state: 'FAILED', message: `${what} is ${status ?? 'gone'}` };
};

/** The RDS and Aurora kinds over one RDS client. */
export function rdsKinds(rds: RDSClient): BackupResourceKind[] {
  const instanceOf = async (id: string) => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
  const clusterOf = async (id: string) => (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];

  const instances: BackupResourceKind = {
    resourceType: 'RDS',
    owns: (arn) => INSTANCE_ARN.test(arn),
    resourceName: (arn) => INSTANCE_ARN.exec(arn)?.[1] ?? arn,
    async startBackup(arn, backupName) {
      const id = INSTANCE_ARN.exec(arn)?.[1] ?? '';
      try {
        const { DBSnapshot } = await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: backupName }));
        return { nativeId: DBSnapshot!.DBSnapshotIdentifier! };
      } catch (error) {
        return { failed: `RDS refused the backup of ${arn}: ${errorText(error)}` };
      }
    },
    async backupProgress(snapshotId) {
      try {
        const snapshot = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }))).DBSnapshots?.[0];
        const progress = statusProgress(`the DB snapshot ${snapshotId}`, snapshot?.Status);
        return progress.state === 'COMPLETED' && snapshot?.AllocatedStorage !== undefined ? { state: 'COMPLETED', sizeBytes: snapshot.AllocatedStorage * 1024 ** 3 } : progress;
      } catch (error) {
        return { state: 'FAILED', message: `the DB snapshot ${snapshotId} cannot be described: ${errorText(error)}` };
      }
    },
    // The source's own placement: a restore with it unchanged lands beside the source (and collides with its name).
    restoreMetadata: (point) => ({ dbInstanceIdentifier: INSTANCE_ARN.exec(point.resourceArn)?.[1] ?? '', dbSubnetGroupName: 'default', multiAZ: 'false', publiclyAccessible: 'false', deletionProtection: 'false' }),
    metadataProblem: (metadata) => databaseMetadataProblem(metadata, 'dbInstanceIdentifier'),
    async startRestore(point, metadata) {
      const target = valueOf(metadata, 'dbInstanceIdentifier')!;
      try {
        const groups = securityGroupsOf(metadata);
        const instanceClass = valueOf(metadata, 'dbInstanceClass');
        const { DBInstance } = await rds.send(
          new RestoreDBInstanceFromDBSnapshotCommand({
            DBInstanceIdentifier: target,
            DBSnapshotIdentifier: point.nativeId,
            ...(valueOf(metadata, 'dbSubnetGroupName') !== undefined && { DBSubnetGroupName: valueOf(metadata, 'dbSubnetGroupName') }),
            ...(groups !== undefined && { VpcSecurityGroupIds: groups }),
            ...(instanceClass !== undefined && { DBInstanceClass: instanceClass }),
            PubliclyAccessible: booleanOf(metadata, 'publiclyAccessible') ?? false,
            DeletionProtection: booleanOf(metadata, 'deletionProtection') ?? false,
          }),
        );
        return { createdResourceArn: DBInstance!.DBInstanceArn! };
      } catch (error) {
        return { failed: `RDS refused to restore ${point.nativeId} into ${target}: ${errorText(error)}` };
      }
    },
    async restoreProgress(arn) {
      const id = INSTANCE_ARN.exec(arn)?.[1] ?? arn;
      try {
        return statusProgress(`the restored instance ${id}`, (await instanceOf(id))?.DBInstanceStatus);
      } catch (error) {
        return { state: 'FAILED', message: `the restored instance ${id} cannot be described: ${errorText(error)}` };
      }
    },
    restoreTestingMetadata: (_point, name) => ({ dbInstanceIdentifier: name, deletionProtection: 'false', multiAZ: 'false', publiclyAccessible: 'false' }),
    async deleteRestored(arn) {
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: INSTANCE_ARN.exec(arn)?.[1] ?? arn, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    },
  };

  const clusters: BackupResourceKind = {
    resourceType: 'Aurora',
    owns: (arn) => CLUSTER_ARN.test(arn),
    resourceName: (arn) => CLUSTER_ARN.exec(arn)?.[1] ?? arn,
    async startBackup(arn, backupName) {
      const id = CLUSTER_ARN.exec(arn)?.[1] ?? '';
      try {
        const { DBClusterSnapshot } = await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: id, DBClusterSnapshotIdentifier: backupName }));
        return { nativeId: DBClusterSnapshot!.DBClusterSnapshotIdentifier! };
      } catch (error) {
        return { failed: `RDS refused the backup of ${arn}: ${errorText(error)}` };
      }
    },
    async backupProgress(snapshotId) {
      try {
        const snapshot = (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }))).DBClusterSnapshots?.[0];
        return statusProgress(`the DB cluster snapshot ${snapshotId}`, snapshot?.Status);
      } catch (error) {
        return { state: 'FAILED', message: `the DB cluster snapshot ${snapshotId} cannot be described: ${errorText(error)}` };
      }
    },
    // The local RDS runs Aurora PostgreSQL only (PGlite).
    restoreMetadata: (point) => ({ dbClusterIdentifier: CLUSTER_ARN.exec(point.resourceArn)?.[1] ?? '', engine: 'aurora-postgresql', dbSubnetGroupName: 'default', deletionProtection: 'false' }),
    metadataProblem: (metadata) => databaseMetadataProblem(metadata, 'dbClusterIdentifier'),
    async startRestore(point, metadata) {
      const target = valueOf(metadata, 'dbClusterIdentifier')!;
      try {
        const groups = securityGroupsOf(metadata);
        const { DBCluster } = await rds.send(
          new RestoreDBClusterFromSnapshotCommand({
            DBClusterIdentifier: target,
            SnapshotIdentifier: point.nativeId,
            Engine: valueOf(metadata, 'engine') ?? 'aurora-postgresql',
            ...(valueOf(metadata, 'dbSubnetGroupName') !== undefined && { DBSubnetGroupName: valueOf(metadata, 'dbSubnetGroupName') }),
            ...(groups !== undefined && { VpcSecurityGroupIds: groups }),
            DeletionProtection: booleanOf(metadata, 'deletionProtection') ?? false,
          }),
        );
        return { createdResourceArn: DBCluster!.DBClusterArn! };
      } catch (error) {
        return { failed: `RDS refused to restore ${point.nativeId} into ${target}: ${errorText(error)}` };
      }
    },
    async restoreProgress(arn) {
      const id = CLUSTER_ARN.exec(arn)?.[1] ?? arn;
      try {
        return statusProgress(`the restored cluster ${id}`, (await clusterOf(id))?.Status);
      } catch (error) {
        return { state: 'FAILED', message: `the restored cluster ${id} cannot be described: ${errorText(error)}` };
      }
    },
    restoreTestingMetadata: (_point, name) => ({ dbClusterIdentifier: name, engine: 'aurora-postgresql', deletionProtection: 'false' }),
    async deleteRestored(arn) {
      const id = CLUSTER_ARN.exec(arn)?.[1] ?? arn;
      for (const member of (await clusterOf(id))?.DBClusterMembers ?? []) {
        await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: member.DBInstanceIdentifier!, SkipFinalSnapshot: true }));
      }
      await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
    },
  };
  return [instances, clusters];
}
