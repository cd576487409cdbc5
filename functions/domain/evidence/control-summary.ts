import { CONTROLS, type ControlId } from './controls.js';
import type { ExportedDrillRun, ExportedIncident } from './exported-trail.js';
import type { SignOff } from './sign-off.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';
import { IR_PLAN_TEST_CONTROLS } from './ir-plan-tests.js';

/** Which controls each runbook and each drill plan evidences (their definitions' `controls`), by id. */
export interface ControlMapping {
  readonly runbooks: Readonly<Record<string, readonly string[]>>;
  readonly plans: Readonly<Record<string, readonly string[]>>;
}

/** The mapping from the definitions in force: each runbook's and each drill plan's `controls`, by id. */
export function controlMappingOf(
  runbooks: ReadonlyArray<{ readonly id: string; readonly controls?: readonly string[] | undefined }>,
  plans: ReadonlyArray<{ readonly id: string; readonly controls?: readonly string[] | undefined }>,
): ControlMapping {
  return {
    runbooks: Object.fromEntries(runbooks.map(({ id, controls }) => [id, controls ?? []])),
    plans: Object.fromEntries(plans.map(({ id, controls }) => [id, controls ?? []])),
  };
}

/** The controls a record evidences: those stamped on it when it started, else (older records) its definition's now. */
/** A definition's own controls by id: an id like `constructor` names no definition, not what every object inherits. */
const ownControls = (byId: ControlMapping['runbooks'], id: string): readonly string[] | undefined => (Object.hasOwn(byId, id) ? byId[id] : undefined);
export const controlsOfIncident = (incident: Incident, mapping: ControlMapping): readonly string[] => incident.controls ?? ownControls(mapping.runbooks, incident.runbookId) ?? [];
export const controlsOfRun = (run: DrillRunRecord, mapping: ControlMapping): readonly string[] => run.controls ?? ownControls(mapping.plans, run.planId) ?? [];

export interface ControlRow {
  readonly id: ControlId;
  readonly framework: string;
  readonly title: string;
  /** Live incidents and drill runs of the period whose runbook or plan names the control. */
  readonly incidents: number;
  readonly drillRuns: number;
  /** Exercises of the period (IR plan tests) evidencing the control: never among `incidents`. */
  readonly irPlanTests: number;
  /** Failed drill runs, broken trails, and records signed off with exceptions. */
  readonly exceptions: number;
  /** Finished records nobody has signed off yet. */
  readonly unreviewed: number;
  /** When a record evidencing it last started: the newest incident or exercise opened, or drill run started. */
  readonly lastTestedAt?: string;
}

const signOffOf = (record: object): SignOff | undefined => (record as { signOff?: SignOff }).signOff;

/** The period's evidence grouped by control, every control of the catalog listed, the ones without evidence too. */
export function summariseControls(incidents: readonly ExportedIncident[], drillRuns: readonly ExportedDrillRun[], mapping: ControlMapping): ControlRow[] {
  return CONTROLS.map((control) => {
    const mappedIncidents = incidents.filter(({ incident }) => incident.mode !== 'exercise' && controlsOfIncident(incident, mapping).includes(control.id));
    const mappedRuns = drillRuns.filter(({ run }) => controlsOfRun(run, mapping).includes(control.id));
    // An exercise evidences the IR-plan controls, whatever its runbook maps for a live incident.
    const mappedTests = IR_PLAN_TEST_CONTROLS.includes(control.id) ? incidents.filter(({ incident }) => incident.mode === 'exercise') : [];
    const reviewed = [...mappedIncidents, ...mappedTests];
    const exceptions =
      reviewed.filter(({ incident, trail }) => !trail.intact || signOffOf(incident)?.verdict === 'exceptions').length +
      mappedRuns.filter(({ run, trail }) => run.status === 'failed' || !trail.intact || signOffOf(run)?.verdict === 'exceptions').length;
    const unreviewed =
      reviewed.filter(({ incident }) => (incident.status === 'resolved' || incident.status === 'closed') && !signOffOf(incident)).length +
      mappedRuns.filter(({ run }) => run.status !== 'running' && !signOffOf(run)).length;
    const starts = [...reviewed.map(({ incident }) => incident.openedAt), ...mappedRuns.map(({ run }) => run.startedAt)].sort();
    const lastTestedAt = starts.at(-1);
    return {
      id: control.id,
      framework: control.framework,
      title: control.title,
      incidents: mappedIncidents.length,
      drillRuns: mappedRuns.length,
      irPlanTests: mappedTests.length,
      exceptions,
      unreviewed,
      ...(lastTestedAt !== undefined && { lastTestedAt }),
    };
  });
}
