import { publicTaskView, type PublicHumanTask } from '../domain/human-task.js';
import type { Incident } from '../domain/incident.js';
import type { ClockRecord } from '../domain/clock.js';
import { incidentPk } from '../domain/keys.js';
import type { TrailEvent } from '../domain/trail-event.js';
import { listClocks } from './clock-store.js';
import { listEvents } from './event-trail.js';
import { listTasks } from './human-task-store.js';
import { getIncident } from './incident-store.js';

/** An incident with everything recorded about it: trail, tasks (never a token) and clocks. */
export interface IncidentRecord {
  readonly incident: Incident;
  readonly events: TrailEvent[];
  readonly tasks: PublicHumanTask[];
  readonly clocks: ClockRecord[];
}

/** Reads an incident's whole record (GetItem plus three Queries on its partition), or undefined when there is none. */
export async function loadIncidentRecord(tableName: string, incidentId: string): Promise<IncidentRecord | undefined> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return undefined;
  const [events, tasks, clocks] = await Promise.all([
    listEvents(tableName, incidentPk(incidentId)),
    listTasks(tableName, incidentId),
    listClocks(tableName, incidentId),
  ]);
  return { incident, events, tasks: tasks.map(publicTaskView), clocks };
}
