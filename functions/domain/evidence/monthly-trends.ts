import { achievedSeconds, rpoOutcome, rtoOutcome } from '../drill/objectives.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';

/** Calendar month (UTC) of an ISO time: `2026-03`. */
const monthOf = (time: string): string => time.slice(0, 7);

function groupByMonth<Item>(items: readonly Item[], timeOf: (item: Item) => string): Array<[string, Item[]]> {
  const months = new Map<string, Item[]>();
  for (const item of items) months.set(monthOf(timeOf(item)), [...(months.get(monthOf(timeOf(item))) ?? []), item]);
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const meanOf = (values: readonly (number | undefined)[]): number | undefined => {
  const measured = values.filter((value): value is number => typeof value === 'number');
  return measured.length === 0 ? undefined : measured.reduce((sum, value) => sum + value, 0) / measured.length;
};

/** One month of live incidents: mean time to acknowledge and to resolve, over those that were. */
export interface ResponseMonth {
  readonly month: string;
  readonly incidents: number;
  readonly mttaSeconds?: number;
  readonly mttrSeconds?: number;
}

/** MTTA and MTTR month by month, by the month each incident opened (exercises left out by the caller). */
export function responseTimesByMonth(incidents: readonly Incident[]): ResponseMonth[] {
  return groupByMonth(incidents, (incident) => incident.openedAt).map(([month, opened]) => ({
    month,
    incidents: opened.length,
    mttaSeconds: meanOf(opened.map((incident) => incident.mttaSeconds)),
    mttrSeconds: meanOf(opened.map((incident) => incident.mttrSeconds)),
  }));
}

/** One plan's month of drill runs: the worst achieved RTO and RPO (and the runs that achieved none), against the target of the month's newest run. */
export interface RecoveryMonth {
  readonly planId: string;
  readonly month: string;
  readonly runs: number;
  readonly worstRtoSeconds?: number;
  readonly rtoTargetSeconds?: number;
  /** Runs of the month that did not achieve it (a check failed, or the data was never validated). */
  readonly rtoNotAchieved: number;
  readonly worstRpoSeconds?: number;
  readonly rpoTargetSeconds?: number;
  readonly rpoNotAchieved: number;
}

const worst = (values: readonly (number | undefined)[]): number | undefined => {
  const measured = values.filter((value): value is number => typeof value === 'number');
  return measured.length === 0 ? undefined : Math.max(...measured);
};
const minutesToSeconds = (minutes: number | undefined): number | undefined => (minutes === undefined ? undefined : minutes * 60);

/** Restore duration (RTO) and data loss (RPO) per plan as a trend: plans by id, months in order. */
export function recoveryByPlanAndMonth(runs: readonly DrillRunRecord[]): RecoveryMonth[] {
  const plans = [...new Set(runs.map((run) => run.planId))].sort();
  return plans.flatMap((planId) =>
    groupByMonth(
      runs.filter((run) => run.planId === planId),
      (run) => run.startedAt,
    ).map(([month, monthRuns]) => {
      const newestFirst = [...monthRuns].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      return {
        planId,
        month,
        runs: monthRuns.length,
        worstRtoSeconds: worst(monthRuns.map((run) => achievedSeconds(rtoOutcome(run)))),
        rtoTargetSeconds: minutesToSeconds(newestFirst.find((run) => run.targets?.rtoMinutes !== undefined)?.targets?.rtoMinutes),
        rtoNotAchieved: monthRuns.filter((run) => rtoOutcome(run).state === 'not-achieved').length,
        worstRpoSeconds: worst(monthRuns.map((run) => achievedSeconds(rpoOutcome(run)))),
        rpoTargetSeconds: minutesToSeconds(newestFirst.find((run) => run.targets?.rpoMinutes !== undefined)?.targets?.rpoMinutes),
        rpoNotAchieved: monthRuns.filter((run) => rpoOutcome(run).state === 'not-achieved').length,
      };
    }),
  );
}
