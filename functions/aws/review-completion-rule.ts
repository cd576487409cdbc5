import { noActionReasonOf, reviewCompletionBlocker } from '../domain/corrective-action.js';
import type { Incident } from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';
import { listActions } from './corrective-action-store.js';
import { listEvents } from './event-trail.js';

/** Why this incident's review may not be completed yet (its severity needs an action or a reason for none), or undefined. */
export async function reviewActionsBlocker(tableName: string, incident: Pick<Incident, 'incidentId' | 'severity'>): Promise<string | undefined> {
  if (reviewCompletionBlocker(incident, 0, undefined) === undefined) return undefined;
  const actions = await listActions(tableName, incident.incidentId);
  if (actions.length > 0) return undefined;
  return reviewCompletionBlocker(incident, 0, noActionReasonOf(await listEvents(tableName, incidentPk(incident.incidentId))));
}
