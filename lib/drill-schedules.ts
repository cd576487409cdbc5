import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow, type IScheduleTarget } from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, StepFunctionsStartExecution, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { sourceBucketNameOf, sourceTableNameOf, type DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { canaryWriterOf } from '../functions/domain/drill/rds-plan.js';
import { acknowledgeNist, whyInlinePolicy } from './nag.js';

export interface DrillSchedulesProps {
  /** Every drill plan (in the app: workflows/drills/*.yaml): one schedule each, plus one canary writer per canary check. */
  readonly plans: readonly DrillPlan[];
  /** The drill state machine the plan schedules start. */
  readonly stateMachine: IStateMachine;
  /** The function that writes the canary item (WriteDrillCanary). */
  readonly canaryWriter: IFunction;
  /** The function in the drill VPC that writes SQL canaries over the wire (WriteDrillWireCanary; canaryWriterOf picks). */
  readonly wireCanaryWriter: IFunction;
  /**
   * How often Scheduler retries a failed StartExecution before it dead-letters the invocation.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps retrying a drill start: a drill started much later than planned is better run by hand.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
}

/** The drill state machine input a plan schedule sends (DrillExecutionInput in functions/domain/drill/run.ts). */
export const scheduledDrillInput = (planId: string): string => JSON.stringify({ planId, trigger: 'schedule' });
/** The WriteDrillCanary input a canary schedule sends. */
export const canaryWriterInput = (planId: string): string => JSON.stringify({ planId });
/**
 * Why a canary write Lambda gives up on is dropped rather than dead-lettered: the next schedule writes a newer canary
 * within one interval, and a replayed old one would only understate the RPO the drill measures.
 */
export const WHY_CANARY_FAILURES_ARE_DROPPED =
  'A failed canary write is superseded by the next one, due within the plan\'s canary interval; a dead-lettered canary would ' +
  'be stale by then and nobody should replay it (a replayed old canary would understate the RPO the drill measures). ' +
  'A persistent failure shows in the Function-WriteDrillCanary-Errors alarm, and in the next drill\'s RPO check.';

/** `rate(n minutes)`, with Scheduler's singular unit for 1. */
export const canaryRateExpression = (intervalMinutes: number): string =>
  `rate(${intervalMinutes} ${intervalMinutes === 1 ? 'minute' : 'minutes'})`;

/**
 * EventBridge Scheduler: each plan's schedule starts the drill state machine (retries, then a dead-letter queue),
 * and each canary check gets a schedule that invokes the canary writer, so drills can measure RPO.
 */
export class DrillSchedules extends Construct {
  /** By plan id. */
  public readonly drillSchedules: ReadonlyMap<string, Schedule>;
  /** By plan id: only plans with a canary check. */
  public readonly canarySchedules: ReadonlyMap<string, Schedule>;
  /** Drill starts Scheduler could not deliver after its retries, kept 14 days for someone to look at. */
  public readonly deadLetterQueue: Queue;
  /** Assumed by Scheduler for the drill schedules: StartExecution on the drill state machine, SendMessage to the queue. */
  public readonly drillRole: Role;
  /** Assumed by Scheduler for the canary schedules: InvokeFunction on the canary writer only. */
  public readonly canaryRole?: Role;

  constructor(scope: Construct, id: string, props: DrillSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the EventBridge Scheduler drill schedules: it has no dead-letter queue of its own.',
    });
    this.drillRole = schedulerRole(this, 'DrillRole', 'Starts scheduled irdr restore drills');

    const drillSchedules = new Map<string, Schedule>();
    for (const plan of props.plans) {
      const { schedule } = plan;
      drillSchedules.set(
        plan.id,
        new Schedule(this, `Drill-${plan.id}`, {
          description: truncate(`irdr restore drill ${plan.id}: ${plan.title}`, 512),
          schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone)),
          timeWindow: schedule.startWindowMinutes === 0 ? TimeWindow.off() : TimeWindow.flexible(Duration.minutes(schedule.startWindowMinutes)),
          enabled: schedule.enabled,
          target: new StepFunctionsStartExecution(props.stateMachine, {
            role: this.drillRole,
            input: ScheduleTargetInput.fromText(scheduledDrillInput(plan.id)),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: props.retryAttempts ?? 3,
            maxEventAge: props.maxEventAge ?? Duration.hours(1),
          }),
        }),
      );
    }
    this.drillSchedules = drillSchedules;

    const canarySchedules = new Map<string, Schedule>();
    for (const plan of props.plans) {
      const canary = plan.checks.find((check) => check.type === 'canary' || check.type === 'canary-object' || check.type === 'sql-canary');
      if (canary?.type !== 'canary' && canary?.type !== 'canary-object' && canary?.type !== 'sql-canary') continue;
      this.canaryRole ??= schedulerRole(this, 'CanaryRole', 'Writes the irdr drill canary items');
      canarySchedules.set(
        plan.id,
        new Schedule(this, `Canary-${plan.id}`, {
          description: truncate(`irdr drill ${plan.id}: writes the canary ${canary.type === 'sql-canary' ? `row into ${canary.table}` : canary.type === 'canary-object' ? `object into s3://${sourceBucketNameOf(plan.source) ?? 'its source bucket'}` : `item into ${sourceTableNameOf(plan.source) ?? 'its source table'}`}`, 512),
          schedule: ScheduleExpression.expression(canaryRateExpression(canary.intervalMinutes)),
          // Measuring RPO needs the canary whether the drill itself runs on schedule or by hand.
          enabled: true,
          target: new InvokeExactFunction(canaryWriterOf(plan) === 'WriteDrillWireCanary' ? props.wireCanaryWriter : props.canaryWriter, {
            role: this.canaryRole,
            input: ScheduleTargetInput.fromText(canaryWriterInput(plan.id)),
            // A late canary is superseded by the next one: retry within one interval, then drop it.
            retryAttempts: 2,
            maxEventAge: Duration.minutes(canary.intervalMinutes),
          }),
        }),
      );
    }
    this.canarySchedules = canarySchedules;
  }
}

/** A role only EventBridge Scheduler can assume, and only for schedules of this account's default group. */
export function schedulerRole(scope: Construct, id: string, description: string): Role {
  const stack = Stack.of(scope);
  const role = new Role(scope, id, {
    description,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
  });
  acknowledgeNist(role, 'IAMNoInlinePolicy', whyInlinePolicy(`EventBridge Scheduler, which ${description.charAt(0).toLowerCase()}${description.slice(1)}`));
  return role;
}

/**
 * Invokes a Lambda function by its unqualified ARN, and grants exactly that: LambdaInvoke's grantInvoke would add
 * `<arn>:*` (every version and alias) as well.
 */
export class InvokeExactFunction extends ScheduleTargetBase implements IScheduleTarget {
  private readonly fn: IFunction;

  constructor(fn: IFunction, props: ScheduleTargetBaseProps) {
    super(props, fn.functionArn);
    this.fn = fn;
  }

  protected addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
