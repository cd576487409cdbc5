import { nextFireTimes } from '../schedule/expression.js';

export interface DataTable {
  readonly name: string;
  readonly itemCount: number;
}

export interface CoveringPlan {
  readonly id: string;
  readonly sourceTableName: string;
  readonly schedule: { readonly expression: string; readonly timeZone: string; readonly enabled: boolean };
  /** When the plan's newest passing run started, if it ever passed. */
  readonly lastPassedAt?: string;
}

export type CoverageStatus = 'uncovered' | 'stale' | 'covered';

export interface CoverageRow {
  readonly table: string;
  readonly itemCount: number;
  readonly status: CoverageStatus;
  readonly plans: readonly string[];
  readonly lastPassedAt?: string;
  /** What makes it uncovered or stale, in a line. */
  readonly why?: string;
}

const DAY_MS = 86_400_000;

/** How long a plan may go without a pass: twice its schedule's interval (a missed run is slack, two are not), at least a day. */
export function staleAfterMs(schedule: CoveringPlan['schedule'], now: Date): number {
  const [next, after] = nextFireTimes(schedule.expression, schedule.timeZone, now, 2);
  if (!next || !after) return 35 * DAY_MS;
  return Math.max(DAY_MS, 2 * (after.getTime() - next.getTime()));
}

const ORDER: Readonly<Record<CoverageStatus, number>> = { uncovered: 0, stale: 1, covered: 2 };

/**
 * Tables that hold data against the drill plans restoring them and their last pass: uncovered (no plan), stale (no
 * pass within twice the plan's interval, or its schedule disabled) and covered, the first two listed first.
 */
export function coverage(tables: readonly DataTable[], plans: readonly CoveringPlan[], now: Date): CoverageRow[] {
  const rows = tables.map((table): CoverageRow => {
    const covering = plans.filter((plan) => plan.sourceTableName === table.name);
    const base = { table: table.name, itemCount: table.itemCount, plans: covering.map((plan) => plan.id) };
    if (covering.length === 0) return { ...base, status: 'uncovered', why: 'no drill plan restores it' };
    const fresh = covering.filter(
      (plan) => plan.schedule.enabled && plan.lastPassedAt !== undefined && now.getTime() - Date.parse(plan.lastPassedAt) <= staleAfterMs(plan.schedule, now),
    );
    const lastPassedAt = covering.map((plan) => plan.lastPassedAt).filter((at): at is string => at !== undefined).sort().at(-1);
    if (fresh.length > 0) return { ...base, status: 'covered', ...(lastPassedAt !== undefined && { lastPassedAt }) };
    const why = lastPassedAt === undefined ? 'its plans have never passed' : covering.every((plan) => !plan.schedule.enabled) ? 'its plans are not scheduled' : 'no pass within twice its plan\'s interval';
    return { ...base, status: 'stale', why, ...(lastPassedAt !== undefined && { lastPassedAt }) };
  });
  return rows.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.table.localeCompare(b.table));
}
