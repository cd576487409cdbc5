import { summariseControls, type ControlMapping } from './control-summary.js';
import { controlsCsv, drillRunsCsv, incidentsCsv, irPlanTestsCsv } from './csv-rows.js';
import { irPlanTests } from './ir-plan-tests.js';
import { listingJson } from './listing-json.js';
import { correctiveActionsCsv, exportedActions } from '../corrective-action-export.js';
import type { EstateCoverage } from './estate-coverage.js';
import { estateCoverageCsv } from './estate-coverage-views.js';
import type { ExportFile } from './export-manifest.js';
import { HASH_RULE, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from './exported-trail.js';
import { summarisePeriod, type PeriodSummary } from './period-summary.js';
import { reportPage } from './report-page.js';

export interface EvidenceExport {
  readonly period: EvidencePeriod;
  readonly tableName: string;
  readonly generatedAt: string;
  readonly incidents: readonly ExportedIncident[];
  readonly drillRuns: readonly ExportedDrillRun[];
  /** The controls each runbook and plan names: the report and controls.csv group the evidence by them. */
  readonly controls: ControlMapping;
  /** Protected resources and tables against the period's runs (estate-coverage.json and .csv, and the report's section). */
  readonly estateCoverage?: EstateCoverage;
  /** Why coverage of the estate could not be collected (the report says so instead of leaving it out unsaid). */
  readonly estateCoverageProblem?: string;
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** The files of an export (the manifest aside), in the order the manifest lists them. */
export function exportFiles(evidence: EvidenceExport): { files: ExportFile[]; summary: PeriodSummary } {
  const { period, tableName, generatedAt, incidents, drillRuns, estateCoverage } = evidence;
  const summary = summarisePeriod(incidents, drillRuns);
  const controls = summariseControls(incidents, drillRuns, evidence.controls);
  const planTests = irPlanTests(incidents);
  const actions = exportedActions(incidents, generatedAt);
  const header = { period, tableName, generatedAt, hashRule: HASH_RULE };
  return {
    summary,
    files: [
      // The two files that grow with the period: written trail by trail (the same bytes as json()).
      { name: 'incidents.json', content: listingJson(header, 'incidents', incidents.map(({ listed }) => listed)) },
      { name: 'drill-runs.json', content: listingJson(header, 'drillRuns', drillRuns.map(({ listed }) => listed)) },
      { name: 'incidents.csv', content: Buffer.from(incidentsCsv(incidents, evidence.controls), 'utf8') },
      { name: 'drill-runs.csv', content: Buffer.from(drillRunsCsv(drillRuns, evidence.controls), 'utf8') },
      { name: 'ir-plan-tests.json', content: json({ ...header, irPlanTests: planTests }) },
      { name: 'ir-plan-tests.csv', content: Buffer.from(irPlanTestsCsv(planTests), 'utf8') },
      { name: 'corrective-actions.json', content: json({ ...header, correctiveActions: actions }) },
      { name: 'corrective-actions.csv', content: Buffer.from(correctiveActionsCsv(actions), 'utf8') },
      { name: 'controls.csv', content: Buffer.from(controlsCsv(controls), 'utf8') },
      ...(estateCoverage
        ? [
            { name: 'estate-coverage.json', content: json({ ...header, estateCoverage }) },
            { name: 'estate-coverage.csv', content: Buffer.from(estateCoverageCsv(estateCoverage), 'utf8') },
          ]
        : []),
      { name: 'report.html', content: Buffer.from(reportPage({ period, tableName, generatedAt, summary, controls, incidents, drillRuns, estateCoverage, ...(evidence.estateCoverageProblem !== undefined && { estateCoverageProblem: evidence.estateCoverageProblem }) }), 'utf8') },
    ],
  };
}
