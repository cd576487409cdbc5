import { randomUUID } from 'node:crypto';
import type { BusEvent } from '../eventbridge/event-bus.js';
import type { BackupJob, RestoreJob } from './catalog.js';

/*
 * The events AWS Backup puts on the default bus (source aws.backup), in the shape the AWS Backup Developer Guide's
 * samples show ("Monitoring AWS Backup events using Amazon EventBridge"): backup jobs report `state`, restore jobs
 * `status`; dates are ISO 8601 with milliseconds; sizes are strings.
 */

const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const envelope = (detailType: string, where: { account: string; region: string }, resources: string[], detail: Record<string, unknown>): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source: 'aws.backup',
  account: where.account,
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: where.region,
  resources,
  detail,
});

export function backupJobStateChange(job: BackupJob, where: { account: string; region: string }): BusEvent {
  if (job.state === 'CREATED') return envelope('Backup Job State Change', where, [], { backupJobId: job.backupJobId, state: 'CREATED', creationDate: iso(job.creationDate) });
  return envelope('Backup Job State Change', where, job.state === 'COMPLETED' ? [job.recoveryPointArn] : [], {
    backupJobId: job.backupJobId,
    ...(job.backupSizeInBytes !== undefined && { backupSizeInBytes: String(job.backupSizeInBytes) }),
    backupVaultArn: job.backupVaultArn,
    backupVaultName: job.backupVaultName,
    bytesTransferred: String(job.state === 'COMPLETED' ? (job.backupSizeInBytes ?? 0) : 0),
    creationDate: iso(job.creationDate),
    iamRoleArn: job.iamRoleArn,
    resourceArn: job.resourceArn,
    resourceType: job.resourceType,
    state: job.state,
    ...(job.statusMessage !== undefined && { statusMessage: job.statusMessage }),
    ...(job.completionDate !== undefined && { completionDate: iso(job.completionDate) }),
    startBy: iso(job.startBy),
    percentDone: job.state === 'COMPLETED' ? 100 : 0,
  });
}

export function restoreJobStateChange(job: RestoreJob, where: { account: string; region: string }): BusEvent {
  return envelope('Restore Job State Change', where, [job.status === 'COMPLETED' && job.createdResourceArn ? job.createdResourceArn : job.recoveryPointArn], {
    restoreJobId: job.restoreJobId,
    backupVaultArn: job.backupVaultArn,
    recoveryPointArn: job.recoveryPointArn,
    sourceResourceArn: job.sourceResourceArn,
    backupSizeInBytes: String(job.backupSizeInBytes ?? 0),
    creationDate: iso(job.creationDate),
    ...(job.iamRoleArn !== undefined && { iamRoleArn: job.iamRoleArn }),
    percentDone: job.status === 'COMPLETED' ? 100 : 0,
    resourceType: job.resourceType,
    status: job.status,
    ...(job.statusMessage !== undefined && { statusMessage: job.statusMessage }),
    ...(job.createdResourceArn !== undefined && job.status === 'COMPLETED' && { createdResourceArn: job.createdResourceArn }),
    ...(job.completionDate !== undefined && { completionDate: iso(job.completionDate) }),
  });
}
