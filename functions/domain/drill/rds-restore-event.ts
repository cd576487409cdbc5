import * as z from '../zod.js';
import { DRILL_TABLE_PREFIX } from '../drill-naming.js';

/*
 * RDS puts "RDS DB Instance Event" and "RDS DB Cluster Event" on the default bus (source aws.rds, best effort) with
 * the event ids of the RDS and Aurora User Guides' "event categories and event messages". A drill waiting on a
 * restored database is woken by the ids that mean its restore ended; as with AWS Backup's event, the drill then
 * describes the database itself, so nothing the event says is taken as the outcome.
 */

export const RDS_INSTANCE_EVENT = 'RDS DB Instance Event';
export const RDS_CLUSTER_EVENT = 'RDS DB Cluster Event';

/** The event ids that end a restore's wait, by source type and outcome (each as the User Guides list it). */
export const RDS_RESTORE_END_EVENTS = {
  [RDS_INSTANCE_EVENT]: {
    COMPLETED: {
      // creation: "DB instance created" (a restored cluster's instance, and any new instance)
      'RDS-EVENT-0005': 'creation',
      // restoration: "The DB instance has been restored from a point-in-time backup"
      'RDS-EVENT-0019': 'restoration',
      // restoration: "Restored from snapshot [snapshot_name]"
      'RDS-EVENT-0043': 'restoration',
    },
    FAILED: {
      // failure: "failed due to an incompatible configuration or an underlying storage issue" (incompatible-restore)
      'RDS-EVENT-0031': 'failure',
      // failure: "The DB instance has invalid parameters"
      'RDS-EVENT-0035': 'failure',
      // failure: "The DB instance is in an incompatible network"
      'RDS-EVENT-0036': 'failure',
    },
  },
  [RDS_CLUSTER_EVENT]: {
    // creation: "DB cluster created"
    COMPLETED: { 'RDS-EVENT-0170': 'creation' },
    // failure: "DB cluster cannot be created because of incompatible resources. {message}"
    FAILED: { 'RDS-EVENT-0354': 'failure' },
  },
} as const;

type DetailType = keyof typeof RDS_RESTORE_END_EVENTS;
const DETAIL_TYPES = Object.keys(RDS_RESTORE_END_EVENTS) as DetailType[];
const idsOf = (detailType: DetailType): string[] => Object.values(RDS_RESTORE_END_EVENTS[detailType]).flatMap((byId) => Object.keys(byId));

/**
 * The rule's pattern: RDS itself (nobody may put an `aws.` source) saying a drill-named instance or cluster was made,
 * restored, or failed (the account's other databases invoke nothing).
 */
export function rdsRestoreEndedPattern(): Record<string, unknown> {
  return {
    source: ['aws.rds'],
    'detail-type': [...DETAIL_TYPES],
    detail: { EventID: [...new Set(DETAIL_TYPES.flatMap(idsOf))], SourceIdentifier: [{ prefix: DRILL_TABLE_PREFIX }] },
  };
}

/** What the handler reads of the event (AWS sends more: categories, message, tags). */
export const RdsRestoreEndedEvent = z.object({
  source: z.literal('aws.rds'),
  'detail-type': z.enum(DETAIL_TYPES as [DetailType, ...DetailType[]]),
  detail: z.object({
    SourceArn: z.string().check(z.regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):[a-z][a-z0-9-]{0,62}$/)),
    SourceIdentifier: z.optional(z.string()),
    EventID: z.string(),
    Message: z.optional(z.string()),
    Date: z.optional(z.string()),
  }),
}).check(z.refine((event) => idsOf(event['detail-type']).includes(event.detail.EventID), { message: 'the event id does not end a restore of this source type' }), z.refine((event) => (event['detail-type'] === RDS_INSTANCE_EVENT) === event.detail.SourceArn.includes(':db:'), { message: 'the source ARN is not of the event\'s source type' }));
export type RdsRestoreEndedEvent = z.infer<typeof RdsRestoreEndedEvent>;

/** COMPLETED or FAILED, as the event's id says. */
export function rdsRestoreEndStatus(event: RdsRestoreEndedEvent): 'COMPLETED' | 'FAILED' {
  const ids: Readonly<Record<string, string>> = RDS_RESTORE_END_EVENTS[event['detail-type']].COMPLETED;
  return event.detail.EventID in ids ? 'COMPLETED' : 'FAILED';
}

/** The ARN an RDS restore's wait is kept under: the restored instance's or cluster's (what the event's SourceArn names). */
export const isRdsAwaited = (awaited: string): boolean => /^arn:aws[a-z-]*:rds:/.test(awaited);
