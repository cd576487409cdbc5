import { randomUUID } from 'node:crypto';
import type { Tag } from './catalog.js';

/*
 * What RDS puts on the default event bus as a database changes (source aws.rds), so a drill can wait by event as
 * in AWS: "RDS DB Instance Event", "RDS DB Cluster Event", "RDS DB Snapshot Event", with AWS's detail fields
 * (EventCategories, SourceType, SourceArn, SourceIdentifier, Date, Message, EventID, Tags).
 */

export interface RdsBusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'RDS DB Instance Event' | 'RDS DB Cluster Event' | 'RDS DB Snapshot Event';
  readonly source: 'aws.rds';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/**
 * The RDS events the local RDS emits: event id, category and message as the RDS and Aurora User Guides' "Amazon RDS
 * event categories and event messages" list them (a `{}` in a message is filled with the event's subject).
 */
export const RDS_EVENTS = {
  instanceCreated: { detailType: 'RDS DB Instance Event', sourceType: 'DB_INSTANCE', eventId: 'RDS-EVENT-0005', category: 'creation', message: 'DB instance created' },
  instanceRestoredToPointInTime: { detailType: 'RDS DB Instance Event', sourceType: 'DB_INSTANCE', eventId: 'RDS-EVENT-0019', category: 'restoration', message: 'The DB instance has been restored from a point-in-time backup' },
  instanceRestoredFromSnapshot: { detailType: 'RDS DB Instance Event', sourceType: 'DB_INSTANCE', eventId: 'RDS-EVENT-0043', category: 'restoration', message: 'Restored from snapshot {}' },
  instanceFailed: {
    detailType: 'RDS DB Instance Event',
    sourceType: 'DB_INSTANCE',
    eventId: 'RDS-EVENT-0031',
    category: 'failure',
    message: 'The DB instance has failed due to an incompatible configuration or an underlying storage issue. Begin a point-in-time-restore for the DB instance. ({})',
  },
  instanceDeleted: { detailType: 'RDS DB Instance Event', sourceType: 'DB_INSTANCE', eventId: 'RDS-EVENT-0003', category: 'deletion', message: 'DB instance deleted' },
  clusterCreated: { detailType: 'RDS DB Cluster Event', sourceType: 'CLUSTER', eventId: 'RDS-EVENT-0170', category: 'creation', message: 'DB cluster created' },
  clusterFailed: { detailType: 'RDS DB Cluster Event', sourceType: 'CLUSTER', eventId: 'RDS-EVENT-0354', category: 'failure', message: 'DB cluster cannot be created because of incompatible resources. {}' },
  clusterDeleted: { detailType: 'RDS DB Cluster Event', sourceType: 'CLUSTER', eventId: 'RDS-EVENT-0171', category: 'deletion', message: 'DB cluster deleted' },
  snapshotCreated: { detailType: 'RDS DB Snapshot Event', sourceType: 'SNAPSHOT', eventId: 'RDS-EVENT-0042', category: 'creation', message: 'Manual snapshot created' },
} as const;
export type RdsEventKind = keyof typeof RDS_EVENTS;

export function rdsBusEvent(kind: RdsEventKind, source: { arn: string; identifier: string; tags: readonly Tag[] }, scope: { region: string; accountId: string }, at = new Date(), subject = ''): RdsBusEvent {
  const spec = RDS_EVENTS[kind];
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': spec.detailType,
    source: 'aws.rds',
    account: scope.accountId,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: scope.region,
    resources: [source.arn],
    detail: {
      EventCategories: [spec.category],
      SourceType: spec.sourceType,
      SourceArn: source.arn,
      Date: at.toISOString(),
      Message: spec.message.replace('{}', subject),
      SourceIdentifier: source.identifier,
      EventID: spec.eventId,
      Tags: Object.fromEntries(source.tags.map((tag) => [tag.Key, tag.Value])),
    },
  };
}
