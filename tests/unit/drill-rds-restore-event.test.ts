import { describe, expect, it } from 'vitest';
import { RdsRestoreEndedEvent, rdsRestoreEndedPattern, rdsRestoreEndStatus } from '../../functions/domain/drill/rds-restore-event.js';
import { matchesEventPattern } from '../../local/eventbridge/event-pattern.js';
import { rdsBusEvent, type RdsEventKind } from '../../local/rds/rds-events.js';

/** An instance event in the shape the RDS User Guide's EventBridge tutorial shows (its RDS-EVENT-0087 "DB instance stopped"), here a restore's end. */
const restored = {
  version: '0',
  id: '12a345b6-78c9-01d2-34e5-123f4ghi5j6k',
  'detail-type': 'RDS DB Instance Event',
  source: 'aws.rds',
  account: '111111111111',
  time: '2026-12-07T09:34:09Z',
  region: 'us-east-1',
  resources: ['arn:aws:rds:us-east-1:111111111111:db:irdr-drill-ledger-r1'],
  detail: {
    EventCategories: ['restoration'],
    SourceType: 'DB_INSTANCE',
    SourceArn: 'arn:aws:rds:us-east-1:111111111111:db:irdr-drill-ledger-r1',
    Date: '2026-12-07T09:34:09.293Z',
    Message: 'Restored from snapshot rds:ledger-db-2026-12-07-05-10',
    SourceIdentifier: 'irdr-drill-ledger-r1',
    EventID: 'RDS-EVENT-0043',
  },
};
/** A cluster event as the Aurora guide's sample shows it (SourceType CLUSTER), here "DB cluster created". */
const clusterCreated = {
  ...restored,
  'detail-type': 'RDS DB Cluster Event',
  resources: ['arn:aws:rds:us-east-1:111111111111:cluster:irdr-drill-orders-r1'],
  detail: { EventCategories: ['creation'], SourceType: 'CLUSTER', SourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:irdr-drill-orders-r1', Date: '2026-12-07T09:34:09.293Z', Message: 'DB cluster created', SourceIdentifier: 'irdr-drill-orders-r1', EventID: 'RDS-EVENT-0170' },
};
const withDetail = (event: typeof restored | typeof clusterCreated, detail: Record<string, unknown>) => ({ ...event, detail: { ...event.detail, ...detail } });

describe("RDS's restore end events", () => {
  it('reads the restored database and whether its restore completed or failed from the event id', () => {
    const parsed = RdsRestoreEndedEvent.parse(restored);
    expect(parsed.detail.SourceArn).toBe(restored.detail.SourceArn);
    expect(rdsRestoreEndStatus(parsed)).toBe('COMPLETED');
    expect(rdsRestoreEndStatus(RdsRestoreEndedEvent.parse(withDetail(restored, { EventID: 'RDS-EVENT-0019', EventCategories: ['restoration'] })))).toBe('COMPLETED');
    expect(rdsRestoreEndStatus(RdsRestoreEndedEvent.parse(withDetail(restored, { EventID: 'RDS-EVENT-0031', EventCategories: ['failure'] })))).toBe('FAILED');
    expect(rdsRestoreEndStatus(RdsRestoreEndedEvent.parse(clusterCreated))).toBe('COMPLETED');
    expect(rdsRestoreEndStatus(RdsRestoreEndedEvent.parse(withDetail(clusterCreated, { EventID: 'RDS-EVENT-0354', EventCategories: ['failure'] })))).toBe('FAILED');
  });

  it('refuses any other source, an event id that ends no restore, a cluster id on an instance event, and an ARN of another kind (the handler throws: dead-lettered, no wait ended)', () => {
    expect(RdsRestoreEndedEvent.safeParse({ ...restored, source: 'irdr.rds' }).success).toBe(false);
    expect(RdsRestoreEndedEvent.safeParse(withDetail(restored, { EventID: 'RDS-EVENT-0087' })).success).toBe(false);
    expect(RdsRestoreEndedEvent.safeParse(withDetail(restored, { EventID: 'RDS-EVENT-0170' })).success).toBe(false);
    expect(RdsRestoreEndedEvent.safeParse(withDetail(restored, { SourceArn: clusterCreated.detail.SourceArn })).success).toBe(false);
    expect(RdsRestoreEndedEvent.safeParse(withDetail(restored, { SourceArn: 'arn:aws:rds:us-east-1:111111111111:snapshot:irdr-drill-ledger-r1' })).success).toBe(false);
    // A wait key is an ARN: nothing else may reach the RESTOREWAIT# partition through this event.
    expect(RdsRestoreEndedEvent.safeParse(withDetail(restored, { SourceArn: 'B1A2C3D4-0000-4000-8000-000000000000' })).success).toBe(false);
    expect(RdsRestoreEndedEvent.safeParse({ ...restored, 'detail-type': 'RDS DB Snapshot Event' }).success).toBe(false);
  });

  it('matches only RDS itself, only the ids that end a restore', () => {
    const pattern = rdsRestoreEndedPattern();
    expect(pattern).toEqual({
      source: ['aws.rds'],
      'detail-type': ['RDS DB Instance Event', 'RDS DB Cluster Event'],
      detail: {
        EventID: ['RDS-EVENT-0005', 'RDS-EVENT-0019', 'RDS-EVENT-0043', 'RDS-EVENT-0031', 'RDS-EVENT-0035', 'RDS-EVENT-0036', 'RDS-EVENT-0170', 'RDS-EVENT-0354'],
        SourceIdentifier: [{ prefix: 'irdr-drill-' }],
      },
    });
    expect(matchesEventPattern(pattern, restored)).toBe(true);
    expect(matchesEventPattern(pattern, clusterCreated)).toBe(true);
    expect(matchesEventPattern(pattern, { ...restored, source: 'irdr.rds' })).toBe(false);
    // "DB instance stopped", "Finished DB Instance backup", "DB instance deleted": nothing a restore waits for.
    for (const id of ['RDS-EVENT-0087', 'RDS-EVENT-0002', 'RDS-EVENT-0003']) expect(matchesEventPattern(pattern, withDetail(restored, { EventID: id }))).toBe(false);
    // The account's own databases restored or made: nothing a drill made, so no invocation.
    expect(matchesEventPattern(pattern, withDetail(restored, { SourceIdentifier: 'ledger-db', SourceArn: 'arn:aws:rds:us-east-1:111111111111:db:ledger-db' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail(clusterCreated, { SourceIdentifier: 'orders-irdr-drill-1' }))).toBe(false);
  });

  it("the local RDS's events of made, restored and failed databases are what the rule matches and the handler reads; its others are not", () => {
    const scope = { region: 'us-east-1', accountId: '111111111111' };
    const instance = { arn: 'arn:aws:rds:us-east-1:111111111111:db:irdr-drill-ledger-r1', identifier: 'irdr-drill-ledger-r1', tags: [{ Key: 'irdr:drill-run', Value: 'r1' }] };
    const cluster = { arn: 'arn:aws:rds:us-east-1:111111111111:cluster:irdr-drill-orders-r1', identifier: 'irdr-drill-orders-r1', tags: [] };
    const ends: Array<[RdsEventKind, typeof instance, 'COMPLETED' | 'FAILED']> = [
      ['instanceCreated', instance, 'COMPLETED'],
      ['instanceRestoredToPointInTime', instance, 'COMPLETED'],
      ['instanceRestoredFromSnapshot', instance, 'COMPLETED'],
      ['instanceFailed', instance, 'FAILED'],
      ['clusterCreated', cluster, 'COMPLETED'],
      ['clusterFailed', cluster, 'FAILED'],
    ];
    for (const [kind, source, status] of ends) {
      const event = rdsBusEvent(kind, source, scope, new Date(), 'subject');
      expect(matchesEventPattern(rdsRestoreEndedPattern(), event), kind).toBe(true);
      expect(rdsRestoreEndStatus(RdsRestoreEndedEvent.parse(event)), kind).toBe(status);
      expect(event.detail).toMatchObject({ SourceType: kind.startsWith('cluster') ? 'CLUSTER' : 'DB_INSTANCE', SourceArn: source.arn, SourceIdentifier: source.identifier });
    }
    expect(rdsBusEvent('instanceRestoredFromSnapshot', instance, scope, new Date(), 'rds:ledger-db-1').detail.Message).toBe('Restored from snapshot rds:ledger-db-1');
    for (const kind of ['instanceDeleted', 'clusterDeleted'] as const) expect(matchesEventPattern(rdsRestoreEndedPattern(), rdsBusEvent(kind, instance, scope)), kind).toBe(false);
  });
});
