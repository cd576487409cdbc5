import * as z from '../zod.js';
import { isTimeZone } from './zoned-time.js';

/** `09:00`: when a handoff happens, on the wall clock of the layer's zone. */
const TimeOfDay = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM on a 24-hour clock, e.g. 09:00'));

const TimeZoneName = z.string().check(z.refine(isTimeZone, { error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as Europe/Berlin or America/New_York` }));

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

const Instant = z.iso.datetime({ offset: true, error: 'an ISO date and time with its offset, e.g. 2026-12-24T09:00:00+01:00' });

/** A rotation: people in order, one on call from each handoff to the next. */
export const OnCallLayer = z.strictObject({
  /** Named in the trail and by `irdr oncall who` (`primary`, `follow-the-sun-emea`). */
  name: z.string().check(z.trim(), z.minLength(1, 'a layer has a name'), z.maxLength(64, 'at most 64 characters')),
  /** The email addresses of the role's people, in turn; someone may appear more than once. */
  rotation: z.array(z.email('each rotation entry is the email of one of the role\'s people')).check(z.minLength(1, 'a rotation needs at least one person: add the email of one of the role\'s people')),
  handoff: z.strictObject({
    every: z.enum(['day', 'week'], { error: 'handoff.every is "day" or "week"' }),
    at: TimeOfDay,
    timeZone: TimeZoneName,
  }),
  /** The first handoff's date (at handoff.at in handoff.timeZone): the first person's shift starts then; nobody before. */
  start: z.iso.date('a date as YYYY-MM-DD'),
  /** The date (at handoff.at) the layer stops, if it does. */
  end: z.optional(z.iso.date('a date as YYYY-MM-DD')),
  // The refine below: only between two well-formed dates, as a malformed one has its own message.
}).check(z.refine((layer) => layer.end === undefined || !isoDate.test(layer.start) || !isoDate.test(layer.end) || layer.end > layer.start, {
  path: ['end'],
  message: 'the layer ends before it starts: make end later than start',
}));
export type OnCallLayer = z.infer<typeof OnCallLayer>;

/** Someone covering from one instant to another, whoever the layers name. */
export const OnCallOverride = z.strictObject({
  person: z.email('the email of one of the role\'s people'),
  from: Instant,
  to: Instant,
  reason: z.optional(z.string().check(z.trim(), z.maxLength(200, 'at most 200 characters'))),
}).check(z.refine((override) => Number.isNaN(Date.parse(override.from)) || Number.isNaN(Date.parse(override.to)) || Date.parse(override.to) > Date.parse(override.from), {
  path: ['to'],
  message: 'the override ends before it starts: make to later than from',
}));
export type OnCallOverride = z.infer<typeof OnCallOverride>;

/**
 * A role's on-call schedule. Layers are listed bottom first: at any instant the last layer with someone on call wins.
 * An override beats every layer. Overrides may not overlap (refused here): which of two covers would be a guess.
 */
export const OnCallSchedule = z.strictObject({
  layers: z.array(OnCallLayer).check(z.minLength(1, 'a schedule needs at least one layer')),
  overrides: z._default(z.array(OnCallOverride), []),
}).check(z.superRefine((schedule, context) => {
  const names = new Set<string>();
  for (const [index, layer] of schedule.layers.entries()) {
    if (names.has(layer.name)) context.addIssue({ code: 'custom', path: ['layers', index, 'name'], message: `two layers are named "${layer.name}": give each its own name` });
    names.add(layer.name);
  }
  for (const [index, override] of schedule.overrides.entries()) {
    for (let earlier = 0; earlier < index; earlier += 1) {
      const other = schedule.overrides[earlier]!;
      if (Date.parse(override.from) < Date.parse(other.to) && Date.parse(other.from) < Date.parse(override.to)) {
        context.addIssue({
          code: 'custom',
          path: ['overrides', index],
          message: `overlaps override ${earlier} (${other.person}, ${other.from} to ${other.to}): shorten one so that they do not overlap`,
        });
      }
    }
  }
}));
export type OnCallSchedule = z.infer<typeof OnCallSchedule>;

/** The people a schedule names who are not among the role's people (each path and address), for the config check. */
export function unknownScheduledPeople(schedule: OnCallSchedule, people: readonly { readonly email: string }[]): Array<{ path: (string | number)[]; email: string }> {
  const known = new Set(people.map((person) => person.email.toLowerCase()));
  const unknown: Array<{ path: (string | number)[]; email: string }> = [];
  for (const [layer, { rotation }] of schedule.layers.entries())
    for (const [index, email] of rotation.entries()) if (!known.has(email.toLowerCase())) unknown.push({ path: ['layers', layer, 'rotation', index], email });
  for (const [index, { person }] of schedule.overrides.entries()) if (!known.has(person.toLowerCase())) unknown.push({ path: ['overrides', index, 'person'], email: person });
  return unknown;
}
