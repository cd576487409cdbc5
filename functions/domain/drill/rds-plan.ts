import * as z from '../zod.js';
import { DRILL_TABLE_PREFIX } from '../drill-naming.js';
import type { SqlDialect } from './sql-dialect.js';

/*
 * The plan parts of an RDS or Aurora drill: the source database, its native restore drivers (point in time, snapshot)
 * and how the SQL checks reach the restored database. Isolation is not the plan's to loosen: a restore is never
 * publicly accessible and lands in the drill subnet group from config (drillDatabaseNetworkIssues says so at validation).
 */

export const RDS_ENGINES = ['postgres', 'mysql', 'aurora-postgresql', 'aurora-mysql'] as const;
export type RdsEngine = (typeof RDS_ENGINES)[number];

/** RDS identifiers: 1-63 letters, digits and hyphens, a letter first, no `--`, no trailing `-` (CreateDBInstance). */
export const RDS_IDENTIFIER_PATTERN = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
const RdsIdentifier = z.string().check(z.regex(RDS_IDENTIFIER_PATTERN, 'an RDS identifier: 1-63 letters, digits and hyphens, a letter first, no "--", no trailing "-"'));
/** DB subnet group names: up to 255 letters, digits, periods, underscores, spaces or hyphens; never `default`. */
export const DbSubnetGroupName = z.string().check(z.regex(/^[A-Za-z0-9._ -]{1,255}$/, 'a DB subnet group name'), z.refine((name) => name.toLowerCase() !== 'default', {
  message: 'the default subnet group is the default VPC: a drill restores into the drill subnet group',
}));
export const SecurityGroupId = z.string().check(z.regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id (sg-...)'));
export const SubnetId = z.string().check(z.regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id (subnet-...)'));
const SecretArn = z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, 'a Secrets Manager secret ARN'));

/** An Aurora cluster (aurora-*) or an RDS DB instance, by identifier, restored by rds-pitr or rds-snapshot. */
export const RdsDatabaseSource = z.strictObject({
  type: z.literal('rds-database'),
  engine: z.enum(RDS_ENGINES, { error: `an engine: ${RDS_ENGINES.join(', ')}` }),
  /** The source DB instance (RDS) or DB cluster (Aurora). */
  identifier: RdsIdentifier.check(z.refine((name) => !name.toLowerCase().startsWith(DRILL_TABLE_PREFIX), {
    message: `a source database cannot carry the drill prefix "${DRILL_TABLE_PREFIX}": drills delete databases with that prefix`,
  })),
  /** What the restored copy may differ in; isolation (no public access, the drill subnet group) is not negotiable. */
  restore: z.optional(z
    .strictObject({
      /** The restored instance's class (Aurora: the one instance added to the restored cluster). @default the source's */
      dbInstanceClass: z.optional(z.string().check(z.regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'a DB instance class, e.g. db.r6g.large'))),
      /** Only false: a drill's copy is never reachable from outside. */
      publiclyAccessible: z.optional(z.boolean()),
      /** Only the drill subnet group from config (drills.database.dbSubnetGroupName). */
      dbSubnetGroupName: z.optional(DbSubnetGroupName),
    })),
}).check(z.superRefine((source, context) => {
  if (source.restore?.publiclyAccessible === true) {
    context.addIssue({ code: 'custom', path: ['restore', 'publiclyAccessible'], message: 'a drill restores a database that is not publicly accessible: remove publiclyAccessible or set it to false' });
  }
}));
export type RdsDatabaseSource = z.infer<typeof RdsDatabaseSource>;

/** An Aurora engine restores a cluster (plus one instance); the others an instance. */
export const isAuroraEngine = (engine: RdsEngine): boolean => engine.startsWith('aurora-');
export const dialectOfEngine = (engine: RdsEngine): SqlDialect => (engine.endsWith('postgresql') || engine === 'postgres' ? 'postgres' : 'mysql');

/** RestoreDBInstanceToPointInTime, or RestoreDBClusterToPointInTime + CreateDBInstance (automated backups on). */
export const RdsPitrDriver = z.strictObject({ type: z.literal('rds-pitr') });
/**
 * RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot (+ CreateDBInstance): the newest snapshot of the
 * kind asked for (`manual`, `automated`, or either) taken at or before the recovery point.
 */
export const RdsSnapshotDriver = z.strictObject({ type: z.literal('rds-snapshot'), snapshotType: z.optional(z.enum(['manual', 'automated'])) });

/** How the SQL checks reach the restored database (docs/sql-checks.md). */
export const SqlAccess = z.strictObject({
  /** `data-api`: Aurora with the RDS Data API (turned on for the restored cluster); `wire`: the validator in the drill VPC. */
  via: z.enum(['data-api', 'wire']),
  /** Credentials ({ username, password }) of the database user the checks run as; the restored copy keeps the source's users. */
  secretArn: SecretArn,
  /** The database the checks read. @default postgres (Postgres), the engine's default schema (MySQL) */
  database: z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'a database name'))),
  /** Each statement's timeout. */
  statementTimeoutSeconds: z.optional(z.number().check(z.int(), z.gte(1), z.lte(900))),
  /** Reads the source too, for checks with `expected: source` and to explain a missing canary. */
  compareWithSource: z.optional(z.boolean()),
});
export type SqlAccess = z.infer<typeof SqlAccess>;

/** The drill network from config: where every restored database goes, and where the wire-check validator runs. */
export interface DrillDatabaseNetwork {
  readonly dbSubnetGroupName: string;
  readonly vpcSecurityGroupIds: readonly string[];
  readonly validator?: DrillValidatorNetwork;
}

/** The validator's place in the drill VPC (Lambda VpcConfig): it alone reaches restored databases over the wire. */
export interface DrillValidatorNetwork {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Where a plan's checks run: `drill-vpc` (RunDrillWireChecks, in the drill VPC) for wire SQL checks; elsewhere RunDrillChecks. */
export const checksRunInOf = (plan: { readonly sqlAccess?: { readonly via: string } }): 'drill-vpc' | undefined => (plan.sqlAccess?.via === 'wire' ? 'drill-vpc' : undefined);

/**
 * The function that writes a plan's scheduled canary: a SQL canary written over the wire reaches a source database only
 * reachable inside the VPC, so WriteDrillWireCanary (in the drill VPC) writes it; every other canary WriteDrillCanary.
 */
export const canaryWriterOf = (plan: { readonly checks: readonly { readonly type: string }[]; readonly sqlAccess?: { readonly via: string } }): 'WriteDrillCanary' | 'WriteDrillWireCanary' =>
  plan.sqlAccess?.via === 'wire' && plan.checks.some((check) => check.type === 'sql-canary') ? 'WriteDrillWireCanary' : 'WriteDrillCanary';

/**
 * Where a plan's database restore would leave the drill network from config, and why (empty: it stays in). Run by
 * `irdr drills validate` and by the loaders that deploy or run plans, which have the config.
 */
export function drillDatabaseNetworkIssues(
  plan: {
    readonly source: { readonly type: string } & Partial<Pick<RdsDatabaseSource, 'restore'>> & { readonly resourceType?: string; readonly restoreMetadata?: Readonly<Record<string, string>> };
    readonly sqlAccess?: { readonly via: string };
  },
  network: DrillDatabaseNetwork | undefined,
): { path: (string | number)[]; message: string }[] {
  const { source } = plan;
  const isDatabase = source.type === 'rds-database' || (source.type === 'aws-backup-resource' && (source.resourceType === 'RDS' || source.resourceType === 'Aurora'));
  if (!isDatabase) return [];
  if (network === undefined) {
    return [{ path: ['source'], message: 'a database drill restores into the drill network: set drills.database.dbSubnetGroupName and vpcSecurityGroupIds in config/irdr.config.json' }];
  }
  const named = source.type === 'rds-database' ? source.restore?.dbSubnetGroupName : Object.entries(source.restoreMetadata ?? {}).find(([key]) => key.toLowerCase() === 'dbsubnetgroupname')?.[1];
  if (named !== undefined && named !== network.dbSubnetGroupName) {
    const path = source.type === 'rds-database' ? ['source', 'restore', 'dbSubnetGroupName'] : ['source', 'restoreMetadata'];
    return [{ path, message: `"${named}" is not the drill subnet group "${network.dbSubnetGroupName}" (config drills.database): a drill restores only into the drill network; remove it` }];
  }
  if (checksRunInOf(plan) === 'drill-vpc' && network.validator === undefined) {
    return [{ path: ['sqlAccess', 'via'], message: 'wire checks run in the validator in the drill VPC: set drills.database.validator (subnetIds, securityGroupIds) in config/irdr.config.json, or check through the Data API (Aurora PostgreSQL)' }];
  }
  return [];
}
