import { actionsFromTrail, type TrackedAction } from './corrective-action-trail.js';
import { toCsv } from './evidence/csv-rows.js';
import type { ExportedIncident } from './evidence/exported-trail.js';
import { html, type SafeHtml } from './evidence/html.js';

/*
 * The export's corrective actions (corrective-actions.json and .csv, and the report's section): every action of the
 * period's incidents and exercises with its state when exported, read from their hash-chained trails. The population
 * an auditor samples for SOC 2 CC7.5 and ISO/IEC 27001 A.5.27.
 */

/** The controls a corrective action evidences. */
export const CORRECTIVE_ACTION_CONTROLS = ['SOC2 CC7.4', 'SOC2 CC7.5', 'ISO27001 A.5.26', 'ISO27001 A.5.27'] as const;

/** Every action of the exported incidents (exercises too, marked by mode), in incident then creation order. */
export function exportedActions(incidents: readonly ExportedIncident[], generatedAt: string): TrackedAction[] {
  const now = new Date(generatedAt);
  return incidents.flatMap(({ incident, trail }) =>
    actionsFromTrail(incident, trail.facts.actionEvents, now),
  );
}

export const CORRECTIVE_ACTION_CSV_COLUMNS = [
  'incidentId',
  'incidentTitle',
  'severity',
  'mode',
  'actionId',
  'title',
  'owner',
  'dueAt',
  'state',
  'createdAt',
  'createdBy',
  'remindedAt',
  'overdueAt',
  'closedAt',
  'closedBy',
  'closedLate',
  'evidenceNote',
  'evidenceLink',
  'controls',
] as const;

export const correctiveActionsCsv = (actions: readonly TrackedAction[]): string =>
  toCsv(
    CORRECTIVE_ACTION_CSV_COLUMNS,
    actions.map((action) => ({
      incidentId: action.incidentId,
      incidentTitle: action.incidentTitle,
      severity: action.severity,
      mode: action.mode,
      actionId: action.actionId,
      title: action.title,
      owner: action.owner,
      dueAt: action.dueAt,
      state: action.state,
      createdAt: action.createdAt,
      createdBy: action.createdBy,
      remindedAt: action.remindedAt,
      overdueAt: action.overdueAt,
      closedAt: action.closedAt,
      closedBy: action.closedBy,
      closedLate: action.closedLate === undefined ? undefined : String(action.closedLate),
      evidenceNote: action.evidenceNote,
      evidenceLink: action.evidenceLink,
      controls: CORRECTIVE_ACTION_CONTROLS.join('; '),
    })),
  );

/** The report's section: each action, its owner, due date, state and evidence; open and overdue ones counted first. */
export function correctiveActionsSection(actions: readonly TrackedAction[]): SafeHtml {
  if (actions.length === 0) return html`<p>No corrective actions were recorded on the period's incidents or exercises.</p>`;
  const count = (state: TrackedAction['state']) => actions.filter((action) => action.state === state).length;
  const rows = actions.map(
    (action) => html`<tr><td><code>${action.actionId}</code><br>${action.title}</td><td><code>${action.incidentId}</code> ${action.severity}${action.mode === 'exercise' ? ' (exercise)' : ''}</td><td>${action.owner}</td><td>${action.dueAt}</td><td>${action.state}${action.closedLate ? ' (late)' : ''}</td>
<td>${action.closedAt !== undefined ? `${action.closedBy ?? ''} at ${action.closedAt}: ${action.evidenceLink ?? ''} ${action.evidenceNote ?? ''}` : '-'}</td></tr>`,
  );
  return html`<p>${actions.length} corrective actions: ${count('closed')} closed, ${count('open')} open, ${count('overdue')} overdue (SOC 2 CC7.4/CC7.5, ISO/IEC 27001 A.5.26/A.5.27; listed in corrective-actions.csv).</p>
<table><thead><tr><th>Action</th><th>Incident</th><th>Owner</th><th>Due</th><th>State</th><th>Closed with</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
