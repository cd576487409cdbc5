import type { LocalDbCluster, LocalDbClusterSnapshot, LocalDbInstance, LocalDbSnapshot, NetworkPlacement, Tag } from './catalog.js';
import { xmlList, type XmlValue } from './query-protocol.js';

/* The RDS API's shapes (DBInstance, DBCluster, DBSnapshot) as the local RDS answers them, member names as AWS documents. */

export const tagListXml = (tags: readonly Tag[]): XmlValue => xmlList('Tag', tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })));

const securityGroupsXml = (network: NetworkPlacement): XmlValue =>
  xmlList('VpcSecurityGroupMembership', network.securityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })));

const time = (at: number | undefined): Date | undefined => (at === undefined ? undefined : new Date(at));

export function instanceXml(instance: LocalDbInstance): Record<string, XmlValue> {
  const engine = instance.postgres;
  // A cluster member's restorable window is its cluster's; RDS reports none on the instance.
  const standalone = instance.clusterIdentifier === undefined;
  return {
    DBInstanceIdentifier: instance.identifier,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: instance.status,
    MasterUsername: instance.masterUsername,
    DBName: instance.dbName,
    Endpoint: engine && instance.status !== 'creating' ? { Address: engine.address, Port: engine.port } : undefined,
    AllocatedStorage: instance.allocatedStorage,
    InstanceCreateTime: instance.createdAt,
    BackupRetentionPeriod: instance.backupRetentionDays,
    VpcSecurityGroups: securityGroupsXml(instance.network),
    DBSubnetGroup: { DBSubnetGroupName: instance.network.subnetGroupName, SubnetGroupStatus: 'Complete' },
    LatestRestorableTime: standalone ? time(engine?.latestRestorableAt) : undefined,
    MultiAZ: false,
    EngineVersion: instance.engineVersion,
    PubliclyAccessible: instance.network.publiclyAccessible,
    DBClusterIdentifier: instance.clusterIdentifier,
    StorageEncrypted: true,
    DbiResourceId: instance.resourceId,
    DBInstanceArn: instance.arn,
    DeletionProtection: instance.deletionProtection,
    TagList: tagListXml(instance.tags),
    ...(instance.clusterIdentifier !== undefined && { PromotionTier: 1 }),
  };
}

export function clusterXml(cluster: LocalDbCluster): Record<string, XmlValue> {
  const engine = cluster.postgres;
  return {
    AllocatedStorage: 1,
    BackupRetentionPeriod: cluster.backupRetentionDays,
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.identifier,
    DBSubnetGroup: cluster.network.subnetGroupName,
    Status: cluster.status,
    EarliestRestorableTime: time(engine?.earliestRestorableAt),
    Endpoint: engine?.address,
    ReaderEndpoint: engine?.address,
    MultiAZ: false,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    LatestRestorableTime: time(engine?.latestRestorableAt),
    Port: engine?.port,
    MasterUsername: cluster.masterUsername,
    DBClusterMembers: xmlList(
      'DBClusterMember',
      cluster.members.map((member, index) => ({ DBInstanceIdentifier: member, IsClusterWriter: index === 0, DBClusterParameterGroupStatus: 'in-sync', PromotionTier: 1 })),
    ),
    VpcSecurityGroups: securityGroupsXml(cluster.network),
    StorageEncrypted: true,
    DbClusterResourceId: cluster.resourceId,
    DBClusterArn: cluster.arn,
    ClusterCreateTime: cluster.createdAt,
    EngineMode: 'provisioned',
    PubliclyAccessible: cluster.network.publiclyAccessible,
    DeletionProtection: cluster.deletionProtection,
    HttpEndpointEnabled: cluster.httpEndpointEnabled,
    TagList: tagListXml(cluster.tags),
  };
}

export function clusterSnapshotXml(snapshot: LocalDbClusterSnapshot): Record<string, XmlValue> {
  return {
    DBClusterSnapshotIdentifier: snapshot.identifier,
    DBClusterIdentifier: snapshot.clusterIdentifier,
    SnapshotCreateTime: snapshot.createdAt,
    Engine: snapshot.engine,
    AllocatedStorage: 1,
    Status: snapshot.status,
    ClusterCreateTime: snapshot.clusterCreatedAt,
    MasterUsername: snapshot.masterUsername,
    EngineVersion: snapshot.engineVersion,
    SnapshotType: snapshot.type,
    PercentProgress: snapshot.status === 'available' ? 100 : 0,
    StorageEncrypted: true,
    DBClusterSnapshotArn: snapshot.arn,
    TagList: tagListXml(snapshot.tags),
  };
}

export function snapshotXml(snapshot: LocalDbSnapshot): Record<string, XmlValue> {
  return {
    DBSnapshotIdentifier: snapshot.identifier,
    DBInstanceIdentifier: snapshot.instanceIdentifier,
    SnapshotCreateTime: snapshot.createdAt,
    Engine: snapshot.engine,
    AllocatedStorage: snapshot.allocatedStorage,
    Status: snapshot.status,
    InstanceCreateTime: snapshot.instanceCreatedAt,
    MasterUsername: snapshot.masterUsername,
    EngineVersion: snapshot.engineVersion,
    SnapshotType: snapshot.type,
    PercentProgress: snapshot.status === 'available' ? 100 : 0,
    Encrypted: true,
    DBSnapshotArn: snapshot.arn,
    TagList: tagListXml(snapshot.tags),
    OriginalSnapshotCreateTime: snapshot.createdAt,
  };
}
