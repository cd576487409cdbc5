import type { BusEvent } from '../eventbridge/event-bus.js';
import type { BackupCatalog, BackupJob, RestoreJob } from './catalog.js';
import type { BackupResourceKind } from './resource-kind.js';
import { backupJobStateChange, restoreJobStateChange } from './state-change-events.js';

export interface JobRunnerOptions {
  readonly catalog: BackupCatalog;
  readonly kindOf: (resourceType: string) => BackupResourceKind;
  readonly account: string;
  readonly region: string;
  /** Each state change, as AWS Backup puts it on the default bus. */
  readonly emit: (event: BusEvent) => void;
  /** How often a running job looks at the resource type's own backup or restore. */
  readonly pollMs: number;
  readonly now?: () => number;
  /** Each restore job that ended (restore testing keeps its resource for the validation window, then deletes it). */
  readonly onRestoreEnd?: (job: RestoreJob) => void;
}

/** Moves backup and restore jobs through their states, as AWS Backup does after the Start* call has answered. */
export class JobRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: JobRunnerOptions) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** CREATED -> RUNNING (the native backup starts) -> COMPLETED (recovery point COMPLETED) or FAILED. */
  async runBackup(job: BackupJob): Promise<void> {
    this.backupChanged(job);
    const kind = this.options.kindOf(job.resourceType);
    const started = await kind.startBackup(job.resourceArn, `awsbackup-${job.backupJobId}`);
    if ('failed' in started) return this.endBackup(job, { state: 'FAILED', statusMessage: started.failed });
    const point = this.pointOf(job);
    Object.assign(point, { nativeId: started.nativeId });
    job.state = 'RUNNING';
    this.backupChanged(job);
    const follow = async (): Promise<void> => {
      const progress = await kind.backupProgress(started.nativeId);
      if (progress.state === 'RUNNING') return this.later(follow);
      if (progress.state === 'FAILED') return this.endBackup(job, { state: 'FAILED', statusMessage: progress.message });
      return this.endBackup(job, { state: 'COMPLETED', ...(progress.sizeBytes !== undefined && { backupSizeInBytes: progress.sizeBytes }) });
    };
    await follow();
  }

  /** PENDING -> RUNNING (the native restore starts) -> COMPLETED (with the created resource) or FAILED. */
  async runRestore(job: RestoreJob): Promise<void> {
    this.restoreChanged(job);
    const kind = this.options.kindOf(job.resourceType);
    const point = this.options.catalog.recoveryPoints.find((candidate) => candidate.recoveryPointArn === job.recoveryPointArn);
    if (!point?.nativeId) return this.endRestore(job, { status: 'FAILED', statusMessage: `recovery point ${job.recoveryPointArn} is gone` });
    const started = await kind.startRestore({ resourceArn: point.resourceArn, nativeId: point.nativeId }, job.metadata);
    if ('failed' in started) return this.endRestore(job, { status: 'FAILED', statusMessage: started.failed });
    job.status = 'RUNNING';
    job.createdResourceArn = started.createdResourceArn;
    this.restoreChanged(job);
    const follow = async (): Promise<void> => {
      const progress = await kind.restoreProgress(started.createdResourceArn);
      if (progress.state === 'RUNNING') return this.later(follow);
      if (progress.state === 'FAILED') return this.endRestore(job, { status: 'FAILED', statusMessage: progress.message });
      return this.endRestore(job, { status: 'COMPLETED', ...(progress.sizeBytes !== undefined && { backupSizeInBytes: progress.sizeBytes }) });
    };
    await follow();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(step: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void step();
    }, this.options.pollMs);
    this.timers.add(timer);
  }

  private pointOf(job: BackupJob) {
    const point = this.options.catalog.recoveryPoints.find((candidate) => candidate.recoveryPointArn === job.recoveryPointArn);
    if (!point) throw new Error(`backup job ${job.backupJobId} has no recovery point`);
    return point;
  }

  private endBackup(job: BackupJob, end: Pick<BackupJob, 'state'> & Partial<Pick<BackupJob, 'statusMessage' | 'backupSizeInBytes'>>): void {
    Object.assign(job, end, { completionDate: this.now });
    const point = this.pointOf(job);
    // A failed job leaves no usable point: AWS lists none for it.
    if (end.state === 'COMPLETED') Object.assign(point, { status: 'COMPLETED', completionDate: job.completionDate, backupSizeInBytes: end.backupSizeInBytes });
    else this.options.catalog.recoveryPoints.splice(this.options.catalog.recoveryPoints.indexOf(point), 1);
    this.backupChanged(job);
  }

  private endRestore(job: RestoreJob, end: Pick<RestoreJob, 'status'> & Partial<Pick<RestoreJob, 'statusMessage' | 'backupSizeInBytes'>>): void {
    Object.assign(job, end, { completionDate: this.now });
    this.restoreChanged(job);
    this.options.onRestoreEnd?.(job);
  }

  private backupChanged(job: BackupJob): void {
    void this.options.catalog.save();
    this.options.emit(backupJobStateChange(job, this.options));
  }

  private restoreChanged(job: RestoreJob): void {
    void this.options.catalog.save();
    this.options.emit(restoreJobStateChange(job, this.options));
  }
}
