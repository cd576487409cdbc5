import { stringify } from 'csv-stringify/sync';
import { secondsBetween } from '../drill/achieved.js';
import { achievedSeconds, rpoOutcome, rtoOutcome, type ObjectiveOutcome } from '../drill/objectives.js';
import type { ExportedDrillRun, ExportedIncident } from './exported-trail.js';
import { controlsOfIncident, controlsOfRun, type ControlMapping, type ControlRow } from './control-summary.js';
import type { SignOff } from './sign-off.js';
import type { IrPlanTest } from './ir-plan-tests.js';

type CsvCell = string | number | undefined;
type CsvRow<Column extends string> = Record<Column, CsvCell>;

export const INCIDENT_CSV_COLUMNS = [
  'incidentId',
  'title',
  'runbookId',
  'severity',
  'mode',
  'status',
  'openedAt',
  'acknowledgedAt',
  'resolvedAt',
  'closedAt',
  'mttaSeconds',
  'mttrSeconds',
  'runbookHash',
  'signOffVerdict',
  'signOffBy',
  'signOffAt',
  'events',
  'chainIntact',
  'controls',
  'regulatorySubmissions',
] as const;

export const DRILL_RUN_CSV_COLUMNS = [
  'runId',
  'planId',
  'status',
  'trigger',
  'startedAt',
  'endedAt',
  'rtoAchieved',
  'rtoSeconds',
  'rtoTargetSeconds',
  'rpoAchieved',
  'rpoSeconds',
  'rpoTargetSeconds',
  'rpoMethod',
  'notAchievedBecause',
  'cleanupStatus',
  'failureIncidentId',
  'planHash',
  'requestedBy',
  'sourceTableName',
  'recoveryPoint',
  'restoreTableName',
  'restoreStartedAt',
  'restoreCompletedAt',
  'restoreSeconds',
  'validationStartedAt',
  'validationCompletedAt',
  'validationSeconds',
  'checksPassed',
  'reportSentTo',
  'reportSentAt',
  'signOffVerdict',
  'signOffBy',
  'signOffAt',
  'events',
  'chainIntact',
  'controls',
] as const;

/** Who signed the record off, and how (absent: not yet reviewed). */
function signOffCells(record: object): { signOffVerdict: CsvCell; signOffBy: CsvCell; signOffAt: CsvCell } {
  const signOff = (record as { signOff?: SignOff }).signOff;
  return { signOffVerdict: signOff?.verdict, signOffBy: signOff?.by, signOffAt: signOff?.at };
}

const minutesToSeconds = (minutes: number | undefined): number | undefined => (minutes === undefined ? undefined : minutes * 60);

export function incidentCsvRow({ incident, trail }: ExportedIncident, mapping: ControlMapping): CsvRow<(typeof INCIDENT_CSV_COLUMNS)[number]> {
  return {
    incidentId: incident.incidentId,
    title: incident.title,
    runbookId: incident.runbookId,
    severity: incident.severity,
    mode: incident.mode,
    status: incident.status,
    openedAt: incident.openedAt,
    acknowledgedAt: incident.acknowledgedAt,
    resolvedAt: incident.resolvedAt,
    closedAt: incident.closedAt,
    mttaSeconds: incident.mttaSeconds,
    mttrSeconds: incident.mttrSeconds,
    runbookHash: incident.runbookHash,
    ...signOffCells(incident),
    events: trail.facts.events,
    chainIntact: String(trail.intact),
    controls: controlsOfIncident(incident, mapping).join('; '),
    regulatorySubmissions: trail.facts.regulatorySubmissions.join('; ') || undefined,
  };
}

/** `true` or `false` once the run is judged; empty while it may still achieve it. */
const achievedCell = (outcome: ObjectiveOutcome): CsvCell => (outcome.state === 'pending' ? undefined : String(outcome.state === 'achieved'));

/** A run's RTO and RPO only where the restored data was validated: a failed check leaves them empty and `false`. */
export function drillRunCsvRow({ run, trail }: ExportedDrillRun, mapping: ControlMapping): CsvRow<(typeof DRILL_RUN_CSV_COLUMNS)[number]> {
  const rto = rtoOutcome(run);
  const rpo = rpoOutcome(run);
  return {
    runId: run.runId,
    planId: run.planId,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    rtoAchieved: achievedCell(rto),
    rtoSeconds: achievedSeconds(rto),
    rtoTargetSeconds: minutesToSeconds(run.targets?.rtoMinutes),
    rpoAchieved: achievedCell(rpo),
    rpoSeconds: achievedSeconds(rpo),
    rpoTargetSeconds: minutesToSeconds(run.targets?.rpoMinutes),
    rpoMethod: rpo.method,
    notAchievedBecause: rto.state === 'not-achieved' ? rto.why : undefined,
    cleanupStatus: run.cleanup?.status,
    failureIncidentId: run.failureIncidentId,
    planHash: run.planHash,
    requestedBy: run.requestedBy,
    sourceTableName: run.sourceTableName,
    recoveryPoint: run.recoveryPoint === undefined ? undefined : JSON.stringify(run.recoveryPoint),
    restoreTableName: run.restoreTableName,
    restoreStartedAt: run.restore?.startedAt,
    restoreCompletedAt: run.restore?.completedAt,
    restoreSeconds: run.restore?.completedAt === undefined ? undefined : secondsBetween(run.restore.startedAt, run.restore.completedAt),
    validationStartedAt: run.validation?.startedAt,
    validationCompletedAt: run.validation?.completedAt,
    validationSeconds: run.validation?.seconds,
    checksPassed: run.checks === undefined ? undefined : `${run.checks.filter((check) => check.passed).length}/${run.checks.length}`,
    reportSentTo: run.report?.sentTo.join(' '),
    reportSentAt: run.report?.sentAt,
    ...signOffCells(run),
    events: trail.facts.events,
    chainIntact: String(trail.intact),
    controls: controlsOfRun(run, mapping).join('; '),
  };
}

/**
 * Every character a spreadsheet or a line-splitting reader may take for the end of a line: LF, CR, VT, FF,
 * NEL and the Unicode line and paragraph separators. A field holding one is quoted, so the text after it stays
 * inside the cell instead of starting a physical line (and a row) of its own.
 */
export const CSV_LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;

/**
 * RFC 4180 CSV (CRLF, quoted where needed) with a header row. Cells starting with = + - @, a tab or a CR are
 * prefixed with ' so a spreadsheet shows a title such as `=HYPERLINK(…)` instead of running it; any cell holding
 * a line break or a delimiter is quoted, so no text after a break can start a row with a formula.
 */
export function toCsv<Column extends string>(columns: readonly Column[], rows: readonly CsvRow<Column>[]): string {
  return stringify(rows as CsvRow<Column>[], {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    // csv-stringify quotes only the record delimiter (CRLF) once one is set; a lone LF or CR must be quoted too.
    quote_record_delimiter: true,
    quoted_match: CSV_LINE_BREAK,
    escape_formulas: true,
  });
}

export const incidentsCsv = (incidents: readonly ExportedIncident[], mapping: ControlMapping): string =>
  toCsv(INCIDENT_CSV_COLUMNS, incidents.map((incident) => incidentCsvRow(incident, mapping)));
export const drillRunsCsv = (runs: readonly ExportedDrillRun[], mapping: ControlMapping): string =>
  toCsv(DRILL_RUN_CSV_COLUMNS, runs.map((run) => drillRunCsvRow(run, mapping)));

export const CONTROL_CSV_COLUMNS = ['control', 'framework', 'title', 'incidents', 'drillRuns', 'exceptions', 'unreviewed', 'lastTestedAt', 'irPlanTests'] as const;
export const controlsCsv = (rows: readonly ControlRow[]): string =>
  toCsv(
    CONTROL_CSV_COLUMNS,
    rows.map((row) => ({ control: row.id, framework: row.framework, title: row.title, incidents: row.incidents, drillRuns: row.drillRuns, exceptions: row.exceptions, unreviewed: row.unreviewed, lastTestedAt: row.lastTestedAt, irPlanTests: row.irPlanTests })),
  );

export const IR_PLAN_TEST_CSV_COLUMNS = ['incidentId', 'title', 'runbookId', 'openedAt', 'resolvedAt', 'lessons', 'signOffState', 'signOffBy', 'signOffAt', 'chainIntact', 'controls'] as const;
/** The exercises of the period (ir-plan-tests.csv): each is evidence the IR plan was tested, none an incident. */
export const irPlanTestsCsv = (tests: readonly IrPlanTest[]): string =>
  toCsv(
    IR_PLAN_TEST_CSV_COLUMNS,
    tests.map((test) => ({
      incidentId: test.incidentId,
      title: test.title,
      runbookId: test.runbookId,
      openedAt: test.openedAt,
      resolvedAt: test.resolvedAt,
      lessons: test.lessons,
      signOffState: test.signOff?.verdict ?? 'not signed off',
      signOffBy: test.signOff?.by,
      signOffAt: test.signOff?.at,
      chainIntact: String(test.chainIntact),
      controls: test.controls.join('; '),
    })),
  );
