import type { IrdrConfig, RoleName, RolePerson } from '../config-schema.js';
import { whoIsOnCall, type OnCallAssignment } from './who-is-on-call.js';

/**
 * The on-call facts the trail keeps with a page: the role, who was on call and from where (a layer's shift or an
 * override), and their shift's bounds; or `nobody`, when the schedule had a gap and every person of the role was paged.
 */
export type OnCallRecord =
  | {
      readonly role: RoleName;
      readonly person: string;
      readonly name: string;
      readonly from: 'layer' | 'override';
      readonly layer?: string;
      readonly shift?: number;
      readonly override?: number;
      readonly reason?: string;
      readonly since: string;
      readonly until?: string;
    }
  | { readonly role: RoleName; readonly from: 'nobody' };

/** The trail's record of an assignment (the person's name from the role's people). */
export function onCallRecord(role: RoleName, assignment: OnCallAssignment, person: RolePerson): OnCallRecord {
  const { source } = assignment;
  return {
    role,
    person: person.email,
    name: person.name,
    from: source.kind,
    ...(source.kind === 'layer' ? { layer: source.layer, shift: source.shift } : { override: source.override, ...(source.reason !== undefined && { reason: source.reason }) }),
    since: assignment.since.toISOString(),
    ...(assignment.until && { until: assignment.until.toISOString() }),
  };
}

/**
 * Whom of a role's people a page at `at` goes to: the one on call when the role has a schedule (with the fact for the
 * trail), every person when it has none (no fact: as before schedules), every person when its schedule has nobody
 * then (never page no one; the fact says so).
 */
export function pagedPeople(role: RoleName, config: Pick<IrdrConfig, 'roles'>, at: Date): { people: RolePerson[]; onCall?: OnCallRecord } {
  const contacts = config.roles[role];
  const people = [...(contacts?.people ?? [])];
  if (!contacts?.onCall) return { people };
  const assignment = whoIsOnCall(contacts.onCall, at);
  // The config check holds every scheduled address to one of the role's people.
  const person = assignment && people.find((candidate) => candidate.email.toLowerCase() === assignment.email.toLowerCase());
  if (!assignment || !person) return { people, onCall: { role, from: 'nobody' } };
  return { people: [person], onCall: onCallRecord(role, assignment, person) };
}

/**
 * Where a notice to roles goes at `at`: each role's list addresses, and the person on call for a role with a
 * schedule (a list is read when someone gets to it; the page must reach the one on call). Each address once, sorted.
 */
export function noticeAddresses(roles: readonly RoleName[], config: Pick<IrdrConfig, 'roles'>, at: Date): { to: string[]; onCall: OnCallRecord[] } {
  const to = new Set<string>();
  const onCall: OnCallRecord[] = [];
  for (const role of roles) {
    for (const address of config.roles[role]?.emails ?? []) to.add(address);
    if (!config.roles[role]?.onCall) continue;
    const paged = pagedPeople(role, config, at);
    if (paged.onCall) onCall.push(paged.onCall);
    // With nobody on call the lists alone are told, as for a role with no schedule; the fact says there was a gap.
    if (paged.onCall?.from !== 'nobody') for (const person of paged.people) to.add(person.email);
  }
  return { to: [...to].sort(), onCall };
}
