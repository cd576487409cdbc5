import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';
import { publicAliases } from './continuity-statement-aliases.js';
import { judgeCadence, type PlanSchedule } from './continuity-statement-cadence.js';
import { STATEMENT_FORMAT, type ContinuityStatement, type StatementPlan } from './continuity-statement-schema.js';
import type { StatementPeriod } from './continuity-statement-period.js';
import type { IncidentClock } from './clock-outcomes.js';
import { runProvesRecovery, type EstateTypeSummary } from './estate-coverage.js';

/*
 * The continuity statement: what a customer may be told about the period, computed from the same records the evidence
 * export holds. Everything that leaves here is a figure, a date, a public alias or an AWS Backup resource type; plan
 * ids, run ids, names, ARNs, titles and addresses go in and never come out.
 */

/** A plan as the statement reads it: its schedule and targets, never its source or owner. */
export interface StatementPlanDefinition {
  readonly id: string;
  readonly schedule: PlanSchedule;
  readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
}

/** A run with what its trail says (an intact chain ending in drill.passed), as the export read it. */
export type StatementRun = DrillRunRecord & { readonly trailConfirmsPass?: boolean };

export interface StatementIncident {
  readonly incident: Pick<Incident, 'severity' | 'mode' | 'mttaSeconds'>;
  readonly clocks: readonly IncidentClock[];
}

export interface StatementInput {
  readonly period: StatementPeriod;
  readonly generatedAt: string;
  readonly plans: readonly StatementPlanDefinition[];
  /** Plan id → public alias (config `evidence.statement.planAliases`). */
  readonly aliases: Readonly<Record<string, string>>;
  readonly runs: readonly StatementRun[];
  readonly incidents: readonly StatementIncident[];
  /** The estate's coverage by the period's runs, per resource type; undefined when the estate could not be listed. */
  readonly coverageByType: readonly EstateTypeSummary[] | undefined;
  readonly evidenceExport: ContinuityStatement['evidenceExport'];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function objective(measured: readonly number[], targetMinutes: number | undefined): StatementPlan['rto'] {
  const worst = measured.length > 0 ? Math.max(...measured) : undefined;
  const middle = median(measured);
  return {
    ...(targetMinutes !== undefined && { targetMinutes }),
    ...(worst !== undefined && { worstSeconds: worst }),
    ...(middle !== undefined && { medianSeconds: middle }),
    measured: measured.length,
    withinTarget: targetMinutes === undefined ? 0 : measured.filter((seconds) => seconds <= targetMinutes * 60).length,
  };
}

function lastDrill(runs: readonly StatementRun[]): StatementPlan['lastDrill'] {
  const finished = runs.filter((run) => run.status !== 'running').sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  if (!finished) return undefined;
  // A run recorded as passed whose checks or trail do not bear it out proved nothing: not validated, never passed.
  const result = runProvesRecovery(finished) ? 'passed' : finished.status === 'failed' ? 'failed' : 'not validated';
  return { date: new Date(finished.startedAt).toISOString(), result };
}

function planStatement(alias: string, plan: StatementPlanDefinition | undefined, runs: readonly StatementRun[], input: StatementInput): StatementPlan {
  const proving = runs.filter(runProvesRecovery);
  const targets = plan?.targets ?? [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).find((run) => run.targets)?.targets;
  const cadence = judgeCadence(plan?.schedule, input.period, proving.map((run) => run.startedAt), input.generatedAt);
  const last = lastDrill(runs);
  return {
    alias,
    cadence: { ...cadence, gaps: [...cadence.gaps] },
    ...(last && { lastDrill: last }),
    runs: { total: runs.length, passed: proving.length, notPassed: runs.length - proving.length },
    rto: objective(proving.flatMap((run) => (run.rtoSeconds === undefined ? [] : [run.rtoSeconds])), targets?.rtoMinutes),
    rpo: objective(proving.flatMap((run) => (run.rpo === undefined ? [] : [run.rpo.seconds])), targets?.rpoMinutes),
  };
}

function drillVerdict(plans: readonly StatementPlan[], runCount: number): Pick<ContinuityStatement['drills'], 'verdict' | 'summary'> {
  if (runCount === 0) return { verdict: 'no-drills', summary: 'No restore drill ran in this period: this statement makes no claim that recovery was tested.' };
  const scheduled = plans.filter((plan) => plan.cadence.scheduled && plan.cadence.dueWindows > 0);
  if (scheduled.length === 0) return { verdict: 'not-judged', summary: `${runCount} restore drills ran, but no scheduled cadence fell due in this period, so none is claimed as met.` };
  const missed = scheduled.filter((plan) => !plan.cadence.met);
  if (missed.length > 0) {
    const windows = missed.reduce((sum, plan) => sum + plan.cadence.dueWindows - plan.cadence.metWindows, 0);
    return { verdict: 'gaps', summary: `${missed.length} of ${scheduled.length} scheduled plans missed their cadence (${windows} due windows without a passing drill); each gap is listed with its dates.` };
  }
  return { verdict: 'met', summary: `Every scheduled plan (${scheduled.length}) had a passing restore drill in every due window of this period.` };
}

const percent = (part: number, whole: number): number | undefined => (whole === 0 ? undefined : Math.round((part / whole) * 1000) / 10);

function incidentFigures(incidents: readonly StatementIncident[]): ContinuityStatement['incidents'] {
  // Exercises test the plan; counting them would flatter (or spoil) the response times.
  const live = incidents.filter(({ incident }) => incident.mode !== 'exercise');
  const urgent = live.filter(({ incident }) => incident.severity === 'SEV1' || incident.severity === 'SEV2');
  const acknowledged = urgent.flatMap(({ incident }) => (incident.mttaSeconds === undefined ? [] : [incident.mttaSeconds]));
  const middle = median(acknowledged);
  const clocks = live.flatMap(({ clocks }) => clocks).filter((clock) => clock.kind === 'sla');
  const count = (outcome: IncidentClock['outcome']) => clocks.filter((clock) => clock.outcome === outcome).length;
  const [onTime, late, missed] = [count('on-time'), count('late'), count('missed')];
  const judged = onTime + late + missed;
  const percentMet = percent(onTime, judged);
  return {
    live: live.length,
    sev1And2: { total: urgent.length, acknowledged: acknowledged.length, ...(middle !== undefined && { medianSecondsToAcknowledge: middle }) },
    responseClocks: { judged, onTime, late, missed, ...(percentMet !== undefined && { percentMet }) },
  };
}

const RESOURCE_TYPE = /^[A-Za-z0-9 ._-]{1,64}$/;

/** The unsigned statement of the period (see continuity-statement-signature.ts to sign it). */
export function buildContinuityStatement(input: StatementInput): ContinuityStatement {
  const inPeriod = input.runs.filter((run) => run.startedAt >= input.period.from && run.startedAt < input.period.to);
  const plansById = new Map(input.plans.map((plan) => [plan.id, plan]));
  // Every current plan (a plan that never ran is a gap, not an omission), and any plan that ran but is gone since.
  const planIds = [...new Set([...input.plans.map((plan) => plan.id), ...inPeriod.map((run) => run.planId)])];
  const aliases = publicAliases(planIds, input.aliases);
  const plans = planIds
    .map((id) => planStatement(aliases.get(id)!, plansById.get(id), inPeriod.filter((run) => run.planId === id), input))
    .sort((a, b) => a.alias.localeCompare(b.alias));
  const coverage: ContinuityStatement['drills']['restoreCoverage'] = input.coverageByType
    ? { byType: input.coverageByType.map(({ type, resources, drilled, attempted, notDrilled }) => ({ type: RESOURCE_TYPE.test(type) ? type : 'Other', resources, drilled, attempted, notDrilled })) }
    : { unavailable: 'the estate could not be listed when this statement was made' };
  return {
    format: STATEMENT_FORMAT,
    period: { from: input.period.from, to: input.period.to, label: input.period.label },
    generatedAt: input.generatedAt,
    drills: { ...drillVerdict(plans, inPeriod.length), plans, restoreCoverage: coverage },
    incidents: incidentFigures(input.incidents),
    evidenceExport: input.evidenceExport,
  };
}
