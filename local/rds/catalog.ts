import type { PostgresEngine } from './postgres-engine.js';
import type { DataDirSnapshot } from './data-dir-snapshot.js';

/* What the local RDS holds: clusters, instances and snapshots, as its operations and the Data API read them. */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface NetworkPlacement {
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  readonly publiclyAccessible: boolean;
}

export interface LocalDbCluster {
  readonly identifier: string;
  readonly arn: string;
  readonly resourceId: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly masterUsername: string;
  readonly masterPassword: string | undefined;
  readonly databaseName: string | undefined;
  readonly backupRetentionDays: number;
  readonly createdAt: Date;
  readonly network: NetworkPlacement;
  status: 'creating' | 'available' | 'deleting' | 'failed';
  httpEndpointEnabled: boolean;
  deletionProtection: boolean;
  tags: Tag[];
  /** Instance identifiers in the order they joined (the first is the writer). */
  members: string[];
  /** Set once the engine has started (status available). */
  postgres?: PostgresEngine;
  /** Why the engine did not start (status failed). */
  failure?: string;
}

export interface LocalDbInstance {
  readonly identifier: string;
  readonly arn: string;
  readonly resourceId: string;
  readonly instanceClass: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly masterUsername: string;
  readonly masterPassword: string | undefined;
  readonly dbName: string | undefined;
  readonly allocatedStorage: number;
  readonly backupRetentionDays: number;
  readonly createdAt: Date;
  readonly network: NetworkPlacement;
  /** The cluster whose storage (engine) it serves; undefined for a standalone RDS instance with its own engine. */
  readonly clusterIdentifier: string | undefined;
  /** `incompatible-restore`: a restore that failed, as RDS reports it. */
  status: 'creating' | 'available' | 'deleting' | 'failed' | 'incompatible-restore';
  deletionProtection: boolean;
  tags: Tag[];
  postgres?: PostgresEngine;
  failure?: string;
}

export interface LocalDbSnapshot {
  readonly identifier: string;
  readonly arn: string;
  readonly instanceIdentifier: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly masterUsername: string;
  readonly masterPassword: string | undefined;
  readonly dbName: string | undefined;
  readonly allocatedStorage: number;
  readonly instanceCreatedAt: Date;
  readonly type: 'manual' | 'automated';
  createdAt: Date | undefined;
  status: 'creating' | 'available' | 'failed';
  tags: Tag[];
  data?: DataDirSnapshot;
}

/** A manual cluster snapshot (CreateDBClusterSnapshot): the cluster engine's data directory when it was taken. */
export interface LocalDbClusterSnapshot {
  readonly identifier: string;
  readonly arn: string;
  readonly clusterIdentifier: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly masterUsername: string;
  readonly masterPassword: string | undefined;
  readonly databaseName: string | undefined;
  readonly clusterCreatedAt: Date;
  readonly type: 'manual';
  createdAt: Date | undefined;
  status: 'creating' | 'available' | 'failed';
  tags: Tag[];
  data?: DataDirSnapshot;
}

export class LocalRdsCatalog {
  readonly clusterSnapshots = new Map<string, LocalDbClusterSnapshot>();
  readonly clusters = new Map<string, LocalDbCluster>();
  readonly instances = new Map<string, LocalDbInstance>();
  readonly snapshots = new Map<string, LocalDbSnapshot>();

  /** The cluster an ARN names (the Data API's resourceArn), if any. */
  clusterByArn(arn: string): LocalDbCluster | undefined {
    return [...this.clusters.values()].find((cluster) => cluster.arn === arn);
  }
}
