import { createHash } from 'node:crypto';
import { DRILL_TABLE_PREFIX } from '../drill-naming.js';
import type { BackupResourceType } from './restore.js';

/*
 * What differs by AWS Backup resource type, as data: whether irdr can drill it (and if not, why), how the restored
 * resource is named, which ARNs are that type's, and what cleanup deletes in which order. The restore metadata
 * itself is in restore-metadata.ts; the SDK calls per type in functions/aws/drill/restored-resources/.
 */

export type ResourceTypeProfile =
  | {
      readonly drillable: true;
      /** The restored resource's name: its own (set in the restore metadata) or a `Name` tag irdr puts on when it claims it. */
      readonly naming: 'resource-name' | 'name-tag';
      /** What cleanup deletes, in order (the docs and the refusal texts quote it). */
      readonly cleanup: readonly string[];
      /** The ARN's service and resource-type part, e.g. `elasticfilesystem` + `file-system/`. */
      readonly arnPattern: RegExp;
    }
  | { readonly drillable: false; readonly reason: string };

/** One entry per type AWS Backup restore testing restores; refusals say why, so plan validation can quote them. */
export const RESOURCE_TYPE_PROFILES: Readonly<Record<BackupResourceType, ResourceTypeProfile>> = {
  DynamoDB: { drillable: true, naming: 'resource-name', cleanup: ['the restored table'], arnPattern: /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/ },
  S3: {
    drillable: true,
    naming: 'resource-name',
    cleanup: ['every object version and delete marker in the restored bucket', 'the restored bucket'],
    arnPattern: /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  },
  EFS: {
    drillable: true,
    naming: 'name-tag',
    cleanup: ["the restored file system's mount targets", 'the restored file system'],
    arnPattern: /^arn:aws[a-z-]*:elasticfilesystem:[a-z0-9-]+:\d{12}:file-system\/fs-[0-9a-f]+$/,
  },
  EBS: { drillable: true, naming: 'name-tag', cleanup: ['the restored volume'], arnPattern: /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:volume\/vol-[0-9a-f]+$/ },
  EC2: {
    drillable: true,
    naming: 'name-tag',
    cleanup: ['the restored instance (terminated)', "the volumes it was launched with from the recovery point's snapshots that outlive it"],
    arnPattern: /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/i-[0-9a-f]+$/,
  },
  FSx: {
    drillable: false,
    reason:
      'an FSx restore needs metadata AWS Backup cannot infer (its subnets and, for ONTAP and OpenZFS volumes, an existing file system to restore into), so a drill could write into a file system it did not create; irdr has no FSx cleanup it can prove safe',
  },
  DocumentDB: {
    drillable: false,
    reason: 'a DocumentDB restore makes a cluster without instances and irdr has no cluster cleanup yet (it arrives with the RDS/Aurora driver, issue 17)',
  },
  Neptune: {
    drillable: false,
    reason: 'a Neptune restore makes a cluster without instances and irdr has no cluster cleanup yet (it arrives with the RDS/Aurora driver, issue 17)',
  },
  RDS: {
    drillable: true,
    naming: 'resource-name',
    cleanup: ['the restored DB instance (no final snapshot, its automated backups deleted)'],
    arnPattern: /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:[a-z][a-z0-9-]{0,62}$/,
  },
  Aurora: {
    drillable: true,
    naming: 'resource-name',
    cleanup: ["the restored cluster's instances (the one the drill adds)", 'the restored DB cluster (no final snapshot, its automated backups deleted)'],
    arnPattern: /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]{0,62}$/,
  },
};

/** S3 bucket names: 3-63 of lower-case letters, digits, dots and hyphens (dots avoided: they break virtual-host TLS). */
const S3_BUCKET_NAME_MAX = 63;
/** DynamoDB table names: 3-255 of [A-Za-z0-9_.-]. */
const DYNAMODB_TABLE_NAME_MAX = 255;
/** EC2/EFS tag values: at most 256 characters. */
const TAG_VALUE_MAX = 256;

/**
 * The name a run's restored resource gets: `irdr-drill-<planId>-<runId>`, made valid for the type's naming rules and
 * still drill-prefixed (the cleanup guard and the IAM conditions rely on the prefix).
 */
export function restoredResourceName(type: BackupResourceType, planId: string, runId: string): string {
  const full = `${DRILL_TABLE_PREFIX}${planId}-${runId}`;
  switch (type) {
    case 'S3':
      return full.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, S3_BUCKET_NAME_MAX).replace(/-+$/, '');
    case 'DynamoDB':
      return full.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, DYNAMODB_TABLE_NAME_MAX);
    case 'RDS':
    case 'Aurora':
      return rdsRestoredName(planId, runId);
    default:
      return full.slice(0, TAG_VALUE_MAX);
  }
}

/** RDS identifiers: 63 characters at most; two kept free for an Aurora restore's instance (`<cluster>-1`). */
const RDS_RESTORED_NAME_MAX = 61;

/**
 * An RDS identifier (lower case, as RDS stores it; letters, digits, single hyphens) for the run: the full drill name
 * when it fits, else the plan id cut short and a digest of the run id, so two runs of one plan never share a name.
 */
function rdsRestoredName(planId: string, runId: string): string {
  const clean = (text: string): string => text.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  const full = `${DRILL_TABLE_PREFIX}${clean(planId)}-${clean(runId)}`.replace(/-+$/, '');
  if (full.length <= RDS_RESTORED_NAME_MAX && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(runId)) return full;
  const digest = createHash('sha256').update(runId).digest('hex').slice(0, 12);
  const room = RDS_RESTORED_NAME_MAX - DRILL_TABLE_PREFIX.length - digest.length - 1;
  return `${DRILL_TABLE_PREFIX}${clean(planId).slice(0, room).replace(/-+$/, '')}-${digest}`;
}

/** Types whose restored-resource code (and SDK) a drill function loads only when some plan restores them. */
export const LAZILY_LOADED_TYPES = ['S3', 'EFS', 'EBS', 'EC2'] as const;

/**
 * esbuild defines for the drill functions' bundles (lib/functions.ts): `process.env.DRILL_RESTORES_<TYPE>` and
 * `process.env.DRILL_SELECTS_BY_TAGS` as "true" or "false" from the plans, so a stack whose plans restore only tables
 * ships no EC2, EFS, S3 or tagging SDK in them (ops-by-type.ts reads each flag by its literal name; unset, as
 * locally, means load on demand).
 */
export function drillBundleFlags(sources: readonly ({ readonly type: string; readonly resourceType?: string; readonly selection?: unknown })[]): Record<string, string> {
  const restored = new Set(sources.flatMap((source) => (source.type === 'aws-backup-resource' && source.resourceType ? [source.resourceType] : [])));
  const flags: Record<string, string> = {};
  for (const type of LAZILY_LOADED_TYPES) flags[`process.env.DRILL_RESTORES_${type}`] = JSON.stringify(String(restored.has(type)));
  flags['process.env.DRILL_SELECTS_BY_TAGS'] = JSON.stringify(String(sources.some((source) => source.selection !== undefined)));
  return flags;
}
