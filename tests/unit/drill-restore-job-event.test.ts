import { describe, expect, it } from 'vitest';
import { RestoreJobEndedEvent, restoreJobEndedPattern } from '../../functions/domain/drill/restore-job-event.js';
import { matchesEventPattern } from '../../local/eventbridge/event-pattern.js';

/** A COMPLETED restore job event as the AWS Backup Developer Guide's sample shows it (trimmed to what irdr reads and a little more). */
const completed = {
  version: '0',
  id: '2f8f8a3c-0000-4000-8000-000000000000',
  'detail-type': 'Restore Job State Change',
  source: 'aws.backup',
  account: '123456789012',
  time: '2026-12-07T06:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/irdr-drill-orders-r1'],
  detail: {
    restoreJobId: 'B1A2C3D4-0000-4000-8000-000000000000',
    backupSizeInBytes: '1024',
    creationDate: '2026-12-07T05:40:00.000Z',
    iamRoleArn: 'arn:aws:iam::123456789012:role/irdr-drill-restore',
    percentDone: 100,
    resourceType: 'DynamoDB',
    status: 'COMPLETED',
    createdResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/irdr-drill-orders-r1',
    completionDate: '2026-12-07T06:00:00.000Z',
  },
};

describe('the restore job end event', () => {
  it('reads the job id and its end status from the event AWS Backup sends', () => {
    expect(RestoreJobEndedEvent.parse(completed).detail).toMatchObject({ restoreJobId: completed.detail.restoreJobId, status: 'COMPLETED' });
  });

  it('refuses the same event from any other source, a job still running, or one naming no job (the handler throws: dead-lettered, no wait ended)', () => {
    expect(RestoreJobEndedEvent.safeParse({ ...completed, source: 'irdr.backup' }).success).toBe(false);
    expect(RestoreJobEndedEvent.safeParse({ ...completed, 'detail-type': 'Backup Job State Change' }).success).toBe(false);
    expect(RestoreJobEndedEvent.safeParse({ ...completed, detail: { ...completed.detail, status: 'RUNNING' } }).success).toBe(false);
    expect(RestoreJobEndedEvent.safeParse({ ...completed, detail: { ...completed.detail, restoreJobId: '' } }).success).toBe(false);
  });

  it('matches only what AWS Backup itself puts on the bus, and only ends', () => {
    expect(restoreJobEndedPattern()).toEqual({ source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'] } });
    const pattern = restoreJobEndedPattern();
    expect(matchesEventPattern(pattern, completed)).toBe(true);
    expect(matchesEventPattern(pattern, { ...completed, detail: { ...completed.detail, status: 'FAILED' } })).toBe(true);
    expect(matchesEventPattern(pattern, { ...completed, source: 'irdr.backup' })).toBe(false);
    expect(matchesEventPattern(pattern, { ...completed, detail: { ...completed.detail, status: 'RUNNING' } })).toBe(false);
  });
});
