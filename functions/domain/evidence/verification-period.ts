import * as z from '../zod.js';

/** A year and a day: a SOC 2 Type II period, whatever the leap year. Longer is an export's job, not a request's. */
export const MAX_VERIFICATION_DAYS = 366;

const isoTime = z.pipe(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time, e.g. 2026-01-01T00:00:00Z')), z.transform((value) => new Date(value).toISOString()));

/** `{ from, to }`: both ISO 8601 times (normalized), from before to, at most `maxDays` apart (else `tooLong`, on to). */
export function boundedPeriod(maxDays: number, tooLong: string) {
  return z.strictObject({ from: isoTime, to: isoTime }).check(z.refine(({ from, to }) => from < to, { message: 'from must be before to', path: ['to'] }), z.refine(({ from, to }) => Date.parse(to) - Date.parse(from) <= maxDays * 86_400_000, { message: tooLong, path: ['to'] }));
}

/** `?from=&to=` of GET /evidence/verify: from inclusive, to exclusive, in order, at most MAX_VERIFICATION_DAYS apart. */
export const VerificationPeriodQuery = boundedPeriod(
  MAX_VERIFICATION_DAYS,
  `the period may span at most ${MAX_VERIFICATION_DAYS} days; verify a longer one in parts, or with irdr evidence verify`,
);
