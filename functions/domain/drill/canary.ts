import * as z from '../zod.js';
import { DrillPlanId, type DrillCheck, type DrillPlan } from '../drill-plan-schema.js';

/*
 * The RPO canary: one item per canary check, rewritten into the source every few minutes with the time it was
 * written. The restored table's copy tells how fresh the restored data is (see canaryVerdict).
 */

/** Marks the canary item, so sampling and checksums leave it out (it changes all the time by design). */
export const CANARY_MARKER = 'irdrCanary';

export type CanaryCheck = Extract<DrillCheck, { type: 'canary' }>;

/** What the canary writer is invoked with (by its schedule). */
export const WriteCanaryTask = z.strictObject({ planId: DrillPlanId });

export const canaryChecksOf = (plan: DrillPlan): CanaryCheck[] => plan.checks.filter((check): check is CanaryCheck => check.type === 'canary');

/** The canary item: its key last, so no attribute of ours can move it off the key the check reads. */
export function canaryItem(check: CanaryCheck, planId: string, writtenAt: string): Record<string, unknown> {
  return { writtenAt, [CANARY_MARKER]: true, planId, ...check.key };
}

export const isCanaryItem = (item: Readonly<Record<string, unknown>>): boolean => item[CANARY_MARKER] === true;
