import * as z from '../zod.js';

/*
 * AWS Backup puts "Restore Job State Change" on the default bus (source aws.backup) as a restore job moves; a drill
 * waiting on a job by task token is woken by the job's end. The event only wakes the wait: the drill then reads the
 * job itself (DescribeRestoreJob), so nothing an event says is taken as the restore's outcome.
 */

export const RESTORE_JOB_STATE_CHANGE = 'Restore Job State Change';
/** The statuses a restore job ends in (RestoreJobsListMember.Status); PENDING and RUNNING wake nobody. */
export const RESTORE_JOB_END_STATUSES = ['COMPLETED', 'FAILED', 'ABORTED'] as const;

/** The rule's pattern: AWS Backup itself (nobody may put an `aws.` source) reporting a restore job's end. */
export function restoreJobEndedPattern(): Record<string, unknown> {
  return { source: ['aws.backup'], 'detail-type': [RESTORE_JOB_STATE_CHANGE], detail: { status: [...RESTORE_JOB_END_STATUSES] } };
}

/** What the handler reads of the event (AWS sends more: vault, recovery point, sizes, role). */
export const RestoreJobEndedEvent = z.object({
  source: z.literal('aws.backup'),
  'detail-type': z.literal(RESTORE_JOB_STATE_CHANGE),
  detail: z.object({
    restoreJobId: z.string().check(z.minLength(1), z.maxLength(1024)),
    status: z.enum(RESTORE_JOB_END_STATUSES),
    createdResourceArn: z.optional(z.string()),
    completionDate: z.optional(z.string()),
    statusMessage: z.optional(z.string()),
  }),
});
export type RestoreJobEndedEvent = z.infer<typeof RestoreJobEndedEvent>;

/** What a restore wait is answered with: a wake-up naming what ended and how it was learned, never the verdict. */
export interface RestoreWaitAnswer {
  /** What the wait is kept under: an AWS Backup restore job id, or a restored RDS database's ARN (rds-restore-event.ts). */
  readonly awaited: string;
  readonly status: (typeof RESTORE_JOB_END_STATUSES)[number];
  /** `event`: the service's end event; `look`: the waiting step found the restore already ended when it began to wait. */
  readonly seenBy: 'event' | 'look';
  /** The end event's own time of the end (AWS Backup's completionDate, RDS's Date): bounds how late the drill saw it. */
  readonly announcedAt?: string;
}

/** The error a wait is failed with when the job did not complete (the drill's next look reads why and records it). */
export const RESTORE_JOB_ENDED_UNFINISHED = 'DrillRestoreJobEnded';
