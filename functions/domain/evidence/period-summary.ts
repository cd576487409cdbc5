import { rpoOutcome, rtoOutcome, withinTarget, type ObjectiveOutcome } from '../drill/objectives.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { ExportedDrillRun, ExportedIncident } from './exported-trail.js';

/** A mean over the incidents that have the measure (an unacknowledged incident has no MTTA yet). */
export interface MeanMeasure {
  readonly meanSeconds?: number;
  readonly measured: number;
}

/** One plan's recovery in the period: its worst achieved RTO/RPO against its target, and the runs that achieved none. */
export interface PlanRecovery {
  readonly planId: string;
  readonly runs: number;
  readonly passed: number;
  readonly failed: number;
  readonly rto: RecoveryMeasure;
  readonly rpo: RecoveryMeasure;
}

export interface RecoveryMeasure {
  /** The longest achieved over the plan's runs that achieved it; undefined when none did. */
  readonly worstSeconds?: number;
  /** The target of the plan's newest run that had one. */
  readonly targetSeconds?: number;
  /** Runs judged (every run but those still running before a verdict), and how many achieved it within their own target. */
  readonly judged: number;
  readonly withinTarget: number;
  /** Judged runs that did not achieve it: a check failed, or the data was never validated. */
  readonly notAchieved: number;
}

export interface PeriodSummary {
  readonly incidents: {
    readonly total: number;
    readonly live: number;
    readonly exercises: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly bySeverity: Readonly<Record<string, number>>;
    /** Live incidents only: exercises would flatter (or spoil) the response times. */
    readonly mtta: MeanMeasure;
    readonly mttr: MeanMeasure;
  };
  readonly drills: { readonly total: number; readonly passed: number; readonly failed: number; readonly running: number };
  readonly plans: readonly PlanRecovery[];
  readonly chains: { readonly total: number; readonly broken: number };
}

function mean(values: readonly (number | undefined)[]): MeanMeasure {
  const measured = values.filter((value): value is number => typeof value === 'number');
  if (measured.length === 0) return { measured: 0 };
  return { meanSeconds: measured.reduce((sum, value) => sum + value, 0) / measured.length, measured: measured.length };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Runs are newest first (as listed), so the first target found is the newest. A run that achieved nothing counts against it. */
function recoveryMeasure(runs: readonly DrillRunRecord[], outcomeOf: (run: DrillRunRecord) => ObjectiveOutcome): RecoveryMeasure {
  let worstSeconds: number | undefined;
  let targetSeconds: number | undefined;
  let judged = 0;
  let within = 0;
  let notAchieved = 0;
  for (const run of runs) {
    const outcome = outcomeOf(run);
    if (outcome.state === 'pending') continue;
    if (targetSeconds === undefined && outcome.targetSeconds !== undefined) targetSeconds = outcome.targetSeconds;
    judged += 1;
    if (outcome.state === 'not-achieved') {
      notAchieved += 1;
      continue;
    }
    if (withinTarget(outcome)) within += 1;
    worstSeconds = Math.max(worstSeconds ?? outcome.seconds, outcome.seconds);
  }
  return { worstSeconds, targetSeconds, judged, withinTarget: within, notAchieved };
}

function planRecoveries(runs: readonly DrillRunRecord[]): PlanRecovery[] {
  const byPlan = new Map<string, DrillRunRecord[]>();
  for (const run of runs) byPlan.set(run.planId, [...(byPlan.get(run.planId) ?? []), run]);
  return [...byPlan.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([planId, planRuns]) => ({
      planId,
      runs: planRuns.length,
      passed: planRuns.filter((run) => run.status === 'passed').length,
      failed: planRuns.filter((run) => run.status === 'failed').length,
      rto: recoveryMeasure(planRuns, rtoOutcome),
      rpo: recoveryMeasure(planRuns, rpoOutcome),
    }));
}

/** What the period's report page shows: counts, response times, drill outcomes, recovery per plan, chain verdicts. */
export function summarisePeriod(incidents: readonly ExportedIncident[], drillRuns: readonly ExportedDrillRun[]): PeriodSummary {
  const records = incidents.map(({ incident }) => incident);
  const live = records.filter((incident) => incident.mode !== 'exercise');
  const runs = drillRuns.map(({ run }) => run);
  const trails = [...incidents, ...drillRuns].map(({ trail }) => trail);
  return {
    incidents: {
      total: records.length,
      live: live.length,
      exercises: records.length - live.length,
      // Live only: an exercise is an IR plan test, not an incident of the period.
      byStatus: countBy(live, (incident) => incident.status),
      bySeverity: countBy(live, (incident) => incident.severity),
      mtta: mean(live.map((incident) => incident.mttaSeconds)),
      mttr: mean(live.map((incident) => incident.mttrSeconds)),
    },
    drills: {
      total: runs.length,
      passed: runs.filter((run) => run.status === 'passed').length,
      failed: runs.filter((run) => run.status === 'failed').length,
      running: runs.filter((run) => run.status === 'running').length,
    },
    plans: planRecoveries(runs),
    chains: { total: trails.length, broken: trails.filter((trail) => !trail.intact).length },
  };
}
