import type { BusinessCalendar } from './business-calendars.js';
import { clockAnchor, planClock, type ClockPlan, type ClockRecord } from './clock.js';
import type { Severity } from './incident.js';

/*
 * A raised severity starts what the new severity starts at a run's start and the old one did not: the clocks that
 * apply only to it (the SEV1/SEV2 acknowledgement SLA), and the pages to the roles told of it. Decided here, once per
 * raise (the raise itself is a conditional write); never undone by a later lowering.
 */

/** Why a clock the new severity would start is not started by the raise. */
export type ClockNotArmed = { readonly clockId: string; readonly why: string };

/** What arming a clock on a raise gives: the plan its waiting branch carries on with. */
export type ClockArmed = { readonly clockId: string; readonly plan: ClockPlan };

/**
 * Whether a raise to `to` at `raisedAt` starts this clock, and its plan. Only a clock the run found not applicable
 * at its start, whose definition applies to `to`. An SLA armed late counts from the raise when its anchor lies
 * before it (a SEV3 was promised nothing); a regulatory clock counts from its anchor, as the law does.
 */
export function armOnRaise(
  clock: ClockRecord,
  to: Severity,
  raisedAt: Date,
  incident: { readonly awareAt?: string | undefined; readonly detectedAt?: string | undefined; readonly openedAt: string },
  calendar: BusinessCalendar,
): ClockArmed | ClockNotArmed | undefined {
  const definition = clock.definition;
  if (clock.status !== 'not-applicable' || definition?.appliesTo === undefined || !definition.appliesTo.includes(to)) return undefined;
  if (clock.metAt !== undefined) return { clockId: clock.clockId, why: `${clock.metBy ?? 'the step that meets it'} was done at ${clock.metAt}, before the raise` };
  const anchor = clockAnchor(definition.from, incident, raisedAt);
  const from = definition.kind === 'sla' && anchor.at.getTime() < raisedAt.getTime() ? { anchor: 'reached' as const, at: raisedAt } : anchor;
  return { clockId: clock.clockId, plan: planClock(clock.clockId, definition, from, raisedAt, true, calendar) };
}
