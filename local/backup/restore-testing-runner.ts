import { randomBytes, randomUUID } from 'node:crypto';
import { RESTORE_TEST_NAME_PREFIX } from '../../functions/domain/drill/restore-testing-plan.js';
import { startLocalScheduler, type LocalScheduler } from '../scheduler/scheduler.js';
import type { BackupCatalog, RecoveryPoint, RestoreJob, RestoreTestingPlan, RestoreTestingSelection } from './catalog.js';
import type { JobRunner } from './jobs.js';
import type { BackupResourceKind } from './resource-kind.js';
import { vaultArnOf } from './wire-views.js';

/*
 * What AWS Backup does with a restore testing plan, here: at each fire of its cron (the local scheduler, with the
 * stack's time scale), every selection of the plan restores one recovery point of each protected resource it names,
 * chosen by the plan's RecoveryPointSelection, with the type's inferred metadata under the selection's overrides; the
 * job carries CreatedBy.RestoreTestingPlanArn; once its ValidationWindowHours have passed, what it created is deleted
 * (DeletionStatus DELETING, then SUCCESSFUL or FAILED).
 */

export interface RestoreTestingRunnerOptions {
  readonly catalog: BackupCatalog;
  readonly kinds: readonly BackupResourceKind[];
  readonly jobs: JobRunner;
  readonly account: string;
  readonly region: string;
  /** Schedule time runs this many times faster than real time, and so does the validation window. @default 1 */
  readonly timeScale?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: (message: string) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** AWS Backup names continuous recovery points `recovery-point:continuous:...`. */
const isContinuous = (point: RecoveryPoint): boolean => /:recovery-point:continuous:/.test(point.recoveryPointArn);

/** The name a restore testing job gives what it creates ("Restore testing inferred metadata": `awsbackup-restore-test-` and a random value). */
export const restoreTestName = (): string => `${RESTORE_TEST_NAME_PREFIX}${randomBytes(6).toString('hex')}`;

/** The inferred metadata with the selection's overrides laid over it; keys match case-insensitively, as AWS reads them. */
export function withOverrides(inferred: Readonly<Record<string, string>>, overrides: Readonly<Record<string, string>>): Record<string, string> {
  const metadata: Record<string, string> = { ...inferred };
  for (const [key, value] of Object.entries(overrides)) {
    const existing = Object.keys(metadata).find((name) => name.toLowerCase() === key.toLowerCase());
    if (existing !== undefined) delete metadata[existing];
    metadata[existing ?? key] = value;
  }
  return metadata;
}

export class RestoreTestingRunner {
  private readonly schedulers = new Map<string, LocalScheduler>();
  private readonly deletions = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: RestoreTestingRunnerOptions) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Arms every plan the catalog holds (after a restart), and the deletions still due. */
  start(): void {
    for (const plan of this.options.catalog.restoreTestingPlans) this.arm(plan);
    for (const job of this.options.catalog.restoreJobs) this.onRestoreEnd(job);
  }

  /** (Re)arms a plan's schedule: after CreateRestoreTestingPlan and UpdateRestoreTestingPlan. */
  arm(plan: RestoreTestingPlan): void {
    this.disarm(plan.name);
    if (this.stopped) return;
    const scheduler = startLocalScheduler({
      schedules: [{ name: `restore-testing-${plan.name}`, expression: plan.scheduleExpression, timezone: plan.scheduleExpressionTimezone, targetArn: plan.arn, input: {} }],
      ...(this.options.timeScale !== undefined && { timeScale: this.options.timeScale }),
      startExecution: async () => {
        // The plan as it is at the fire (an update replaces the record; a deleted plan is disarmed).
        const current = this.options.catalog.restoreTestingPlans.find((candidate) => candidate.name === plan.name);
        if (current) await this.runPlan(current);
      },
      onError: (_schedule, error) => this.options.log?.(`restore testing plan ${plan.name} failed to run: ${(error as Error).message}`),
    });
    this.schedulers.set(plan.name, scheduler);
  }

  disarm(planName: string): void {
    this.schedulers.get(planName)?.stop();
    this.schedulers.delete(planName);
  }

  /** One run of the plan: a restore job per protected resource of each selection that has a recovery point to restore. */
  async runPlan(plan: RestoreTestingPlan): Promise<RestoreJob[]> {
    plan.lastExecutionTime = this.now;
    const started: RestoreJob[] = [];
    for (const selection of this.options.catalog.restoreTestingSelections.filter((candidate) => candidate.planName === plan.name)) {
      for (const resourceArn of this.resourcesOf(selection)) {
        const point = this.pointFor(plan, resourceArn);
        if (!point?.nativeId) continue;
        const kind = this.options.kinds.find((candidate) => candidate.resourceType === point.resourceType);
        if (!kind) continue;
        const metadata = withOverrides(kind.restoreTestingMetadata({ resourceArn, nativeId: point.nativeId }, restoreTestName()), selection.restoreMetadataOverrides);
        const job: RestoreJob = {
          restoreJobId: randomUUID().toUpperCase(),
          recoveryPointArn: point.recoveryPointArn,
          recoveryPointCreationDate: point.creationDate,
          backupVaultArn: vaultArnOf(this.options, point.backupVaultName),
          sourceResourceArn: resourceArn,
          resourceType: point.resourceType,
          iamRoleArn: selection.iamRoleArn,
          metadata,
          creationDate: this.now,
          restoreTestingPlanArn: plan.arn,
          validationWindowHours: selection.validationWindowHours,
          status: 'PENDING',
          ...(point.backupSizeInBytes !== undefined && { backupSizeInBytes: point.backupSizeInBytes }),
        };
        this.options.catalog.restoreJobs.push(job);
        started.push(job);
        void this.options.jobs.runRestore(job);
      }
    }
    await this.options.catalog.save();
    return started;
  }

  /** A restore testing job that completed keeps what it made for its validation window; then it is deleted. */
  onRestoreEnd(job: RestoreJob): void {
    if (this.stopped || job.restoreTestingPlanArn === undefined || job.status !== 'COMPLETED' || !job.createdResourceArn) return;
    if (job.deletionStatus === 'SUCCESSFUL' || job.deletionStatus === 'FAILED') return;
    const timeScale = this.options.timeScale ?? 1;
    const dueMs = (job.completionDate ?? this.now) + ((job.validationWindowHours ?? 0) * HOUR_MS) / timeScale;
    const timer = setTimeout(() => {
      this.deletions.delete(job.restoreJobId);
      void this.deleteCreated(job);
    }, Math.max(0, dueMs - this.now));
    timer.unref();
    this.deletions.set(job.restoreJobId, timer);
  }

  /**
   * A validation result was put: the restore test is over, and its data goes ("deleted upon the completion of the
   * validation script or the end of the specified retention period, whichever comes first": CloudFormation's
   * AWS::Backup::RestoreTestingSelection ValidationWindowHours).
   */
  onValidationResult(job: RestoreJob): void {
    if (this.stopped || job.restoreTestingPlanArn === undefined || job.validationStatus === 'VALIDATING' || !job.createdResourceArn) return;
    if (job.deletionStatus !== undefined) return;
    clearTimeout(this.deletions.get(job.restoreJobId));
    this.deletions.delete(job.restoreJobId);
    void this.deleteCreated(job);
  }

  stop(): void {
    this.stopped = true;
    for (const name of [...this.schedulers.keys()]) this.disarm(name);
    for (const timer of this.deletions.values()) clearTimeout(timer);
    this.deletions.clear();
  }

  private async deleteCreated(job: RestoreJob): Promise<void> {
    if (job.deletionStatus !== undefined) return;
    const kind = this.options.kinds.find((candidate) => candidate.resourceType === job.resourceType);
    job.deletionStatus = 'DELETING';
    try {
      if (!kind) throw new Error(`no local AWS Backup support for ${job.resourceType}`);
      await kind.deleteRestored(job.createdResourceArn!);
      job.deletionStatus = 'SUCCESSFUL';
      job.deletionStatusMessage = `${job.createdResourceArn} was deleted at the end of the restore test (validation result put, or the ${job.validationWindowHours ?? 0}-hour validation window over)`;
    } catch (error) {
      job.deletionStatus = 'FAILED';
      job.deletionStatusMessage = `${job.createdResourceArn} could not be deleted: ${(error as Error).name}: ${(error as Error).message}`;
    }
    await this.options.catalog.save();
  }

  /** The selection's protected resources: those it names, or (`*`) every protected resource of its type. */
  private resourcesOf(selection: RestoreTestingSelection): string[] {
    if (!selection.protectedResourceArns.includes('*')) return [...selection.protectedResourceArns];
    const arns = this.options.catalog.recoveryPoints
      .filter((point) => point.status === 'COMPLETED' && point.resourceType === selection.protectedResourceType)
      .map((point) => point.resourceArn);
    return [...new Set(arns)];
  }

  /** The recovery point the plan's RecoveryPointSelection picks for the resource, or undefined (no job then). */
  private pointFor(plan: RestoreTestingPlan, resourceArn: string): RecoveryPoint | undefined {
    const choice = plan.recoveryPointSelection;
    const since = this.now - choice.selectionWindowDays * DAY_MS;
    const vaultArn = (point: RecoveryPoint) => vaultArnOf(this.options, point.backupVaultName);
    const eligible = this.options.catalog.recoveryPoints
      .filter((point) => point.resourceArn === resourceArn && point.status === 'COMPLETED' && point.creationDate >= since)
      .filter((point) => choice.includeVaults.includes('*') || choice.includeVaults.includes(vaultArn(point)))
      .filter((point) => !choice.excludeVaults.includes(vaultArn(point)))
      .filter((point) => choice.recoveryPointTypes.includes(isContinuous(point) ? 'CONTINUOUS' : 'SNAPSHOT'))
      .sort((a, b) => b.creationDate - a.creationDate);
    if (choice.algorithm === 'LATEST_WITHIN_WINDOW') return eligible[0];
    const random = this.options.random ?? Math.random;
    return eligible[Math.min(Math.floor(random() * eligible.length), eligible.length - 1)];
  }
}
