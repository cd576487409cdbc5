import type { DrillExecutionInput } from '../functions/domain/drill/run.js';
import { sourceTableNameOf, type DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { canaryWriterOf } from '../functions/domain/drill/rds-plan.js';

/** One EventBridge Scheduler schedule a plan asks for: lib/ deploys these, local/ runs the same ones. */
export interface DrillScheduleSpec {
  /** Unique, stable: `drill-<planId>` or `canary-<planId>`. */
  readonly name: string;
  readonly description: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly flexibleWindowMinutes: number;
  readonly enabled: boolean;
  readonly target:
    | { readonly kind: 'drill-state-machine'; readonly input: DrillExecutionInput }
    | { readonly kind: 'canary-function'; readonly functionName: 'WriteDrillCanary' | 'WriteDrillWireCanary'; readonly input: { readonly planId: string } };
}

/** `rate(...)` in Scheduler's grammar: the singular unit for 1. */
export const everyMinutes = (minutes: number): string => `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;

/** Each plan's drill schedule, and a canary writer schedule for each plan with a canary check. */
export function drillScheduleSpecs(plans: readonly DrillPlan[]): DrillScheduleSpec[] {
  return plans.flatMap((plan): DrillScheduleSpec[] => {
    const drill: DrillScheduleSpec = {
      name: `drill-${plan.id}`,
      description: `irdr restore drill: ${plan.title}`.slice(0, 512),
      expression: plan.schedule.expression,
      timeZone: plan.schedule.timeZone,
      flexibleWindowMinutes: plan.schedule.startWindowMinutes,
      enabled: plan.schedule.enabled,
      target: { kind: 'drill-state-machine', input: { planId: plan.id, trigger: 'schedule' } },
    };
    // Restored through an AWS Backup restore testing plan: AWS Backup fires on the plan's cron, and its job starts the drill.
    const drills = plan.driver.type === 'aws-backup' && plan.driver.restoreTesting !== undefined ? [] : [drill];
    const canaryMinutes = plan.checks.flatMap((check) => (check.type === 'canary' || check.type === 'sql-canary' ? [check.intervalMinutes] : []));
    if (canaryMinutes.length === 0) return drills;
    const canary: DrillScheduleSpec = {
      name: `canary-${plan.id}`,
      description: `irdr drill canary: writes the RPO canary into ${sourceTableNameOf(plan.source) ?? 'its source table'}`.slice(0, 512),
      // The most frequent canary the plan asks for (one writer puts every canary key of the plan).
      expression: everyMinutes(Math.min(...canaryMinutes)),
      timeZone: 'UTC',
      flexibleWindowMinutes: 0,
      enabled: plan.schedule.enabled,
      target: { kind: 'canary-function', functionName: canaryWriterOf(plan), input: { planId: plan.id } },
    };
    return [...drills, canary];
  });
}
