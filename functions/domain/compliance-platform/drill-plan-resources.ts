import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { achievedSeconds, rpoOutcome, rtoOutcome, withinTarget } from '../drill/objectives.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import { staleAfterMs } from '../evidence/coverage.js';
import type { VantaCustomResource, VantaCustomResourceSync } from './vanta-wire.js';

const DAY_MS = 86_400_000;
/** int32 properties cannot be absent in a custom test's comparison: -1 reads "none" (never measured, never passed). */
export const NONE = -1;

export interface PlanStanding {
  readonly plan: {
    readonly id: string;
    readonly title: string;
    readonly schedule: { readonly expression: string; readonly timeZone: string; readonly enabled: boolean };
    readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  };
  /** The plan's newest finished run (passed or failed), if any. */
  readonly lastRun?: DrillRunRecord;
  /** When its newest passing run started. */
  readonly lastPassedAt?: string;
}

const minutesOf = (seconds: number | undefined): number => (seconds === undefined ? NONE : Math.ceil(seconds / 60));

/**
 * One Vanta custom resource per drill plan, for a custom test to fail on: `failing` (its last run failed) or `overdue`
 * (no pass within twice its schedule's interval, or never). Property names and types: docs/compliance-platforms.md.
 */
export function drillPlanResource(standing: PlanStanding, now: Date, planUrl: (planId: string) => string): VantaCustomResource {
  const { plan, lastRun, lastPassedAt } = standing;
  const sincePassMs = lastPassedAt === undefined ? undefined : now.getTime() - Date.parse(lastPassedAt);
  const overdue = !plan.schedule.enabled || sincePassMs === undefined || sincePassMs > staleAfterMs(plan.schedule, now);
  const rto = lastRun ? rtoOutcome(lastRun) : undefined;
  const rpo = lastRun ? rpoOutcome(lastRun) : undefined;
  return {
    displayName: `Restore drill: ${plan.title}`,
    uniqueId: `irdr-drill-plan-${plan.id}`,
    externalUrl: planUrl(plan.id),
    customProperties: {
      planId: plan.id,
      lastRunId: lastRun?.runId ?? '',
      lastRunAt: lastRun?.startedAt ?? '',
      verdict: lastRun?.status ?? 'never-run',
      failing: lastRun?.status === 'failed',
      rtoAchievedMinutes: minutesOf(rto && achievedSeconds(rto)),
      rtoTargetMinutes: plan.targets.rtoMinutes,
      rtoMet: rto !== undefined && withinTarget(rto),
      rpoAchievedMinutes: minutesOf(rpo && achievedSeconds(rpo)),
      rpoTargetMinutes: plan.targets.rpoMinutes,
      rpoMet: rpo !== undefined && withinTarget(rpo),
      daysSinceLastPass: sincePassMs === undefined ? NONE : Math.floor(sincePassMs / DAY_MS),
      overdue,
    },
  };
}

/** The sync_all body (every plan, every time: a plan left out is deleted in Vanta), in plan id order. */
export function drillPlanSync(resourceId: string, standings: readonly PlanStanding[], now: Date, planUrl: (planId: string) => string): VantaCustomResourceSync {
  const sorted = [...standings].sort((a, b) => a.plan.id.localeCompare(b.plan.id));
  return { resourceId, resources: sorted.map((standing) => drillPlanResource(standing, now, planUrl)) };
}

/** The hash a resources push is keyed by: the body's canonical JSON, so the same state is never pushed twice. */
export function syncHash(sync: VantaCustomResourceSync): string {
  return createHash('sha256').update(canonicalize(sync) ?? '', 'utf8').digest('hex');
}

/** The custom properties each drill plan resource carries, as the JSON typedef pasted into the Vanta resource type. */
export const DRILL_PLAN_PROPERTY_TYPES = {
  planId: 'string',
  lastRunId: 'string',
  lastRunAt: 'string',
  verdict: 'string',
  failing: 'boolean',
  rtoAchievedMinutes: 'int32',
  rtoTargetMinutes: 'int32',
  rtoMet: 'boolean',
  rpoAchievedMinutes: 'int32',
  rpoTargetMinutes: 'int32',
  rpoMet: 'boolean',
  daysSinceLastPass: 'int32',
  overdue: 'boolean',
} as const satisfies Record<string, 'string' | 'boolean' | 'int32'>;

export const drillPlanPropertiesTypedef = () => ({ properties: Object.fromEntries(Object.entries(DRILL_PLAN_PROPERTY_TYPES).map(([name, type]) => [name, { type }])) });
