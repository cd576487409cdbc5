import * as z from '../zod.js';
import { MAX_VERIFICATION_DAYS } from './verification-period.js';
import type { EvidencePeriod } from './exported-trail.js';

/** What `period` may say: the last N months (1-12) or days (1-366), ending now. */
export const STATEMENT_PERIOD_HELP = 'period=<N>m (1-12 months) or <N>d (1-366 days) ending now, e.g. period=12m or period=90d; or from=<ISO time>&to=<ISO time>, at most 366 days apart';

const RelativePeriod = z.string().check(z.regex(/^(\d{1,3})([md])$/, `write ${STATEMENT_PERIOD_HELP}`));

const isoTime = z.pipe(z.string().check(z.refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), 'an ISO 8601 time, e.g. 2026-01-01T00:00:00Z')), z.transform((value) => new Date(value).toISOString()));

/** `?period=12m`, or `?from=&to=`: one form, never both. */
export const StatementPeriodQuery = z.strictObject({ period: z.optional(RelativePeriod), from: z.optional(isoTime), to: z.optional(isoTime) }).check(z.superRefine((query, context) => {
  const absolute = query.from !== undefined || query.to !== undefined;
  if (query.period !== undefined && absolute) context.addIssue({ code: 'custom', path: ['period'], message: `give period, or from and to, not both: ${STATEMENT_PERIOD_HELP}` });
  if (query.period === undefined && !absolute) context.addIssue({ code: 'custom', path: ['period'], message: `name the period: ${STATEMENT_PERIOD_HELP}` });
  if (query.period !== undefined) {
    const [, count = '0', unit] = /^(\d+)([md])$/.exec(query.period) ?? [];
    const most = unit === 'm' ? 12 : MAX_VERIFICATION_DAYS;
    if (Number(count) < 1 || Number(count) > most) context.addIssue({ code: 'custom', path: ['period'], message: `${query.period} is outside 1-${most}${unit}: ${STATEMENT_PERIOD_HELP}` });
  }
  if (absolute && (query.from === undefined || query.to === undefined)) context.addIssue({ code: 'custom', path: [query.from === undefined ? 'from' : 'to'], message: 'give both from and to' });
  if (query.from !== undefined && query.to !== undefined) {
    if (query.from >= query.to) context.addIssue({ code: 'custom', path: ['to'], message: 'from must be before to' });
    else if (Date.parse(query.to) - Date.parse(query.from) > MAX_VERIFICATION_DAYS * 86_400_000) {
      context.addIssue({ code: 'custom', path: ['to'], message: `the period may span at most ${MAX_VERIFICATION_DAYS} days` });
    }
  }
}));
export type StatementPeriodQuery = z.infer<typeof StatementPeriodQuery>;

/** A statement's period: from inclusive, to exclusive, and how it was asked for (12m, 90d, or the dates). */
export interface StatementPeriod extends EvidencePeriod {
  readonly label: string;
}

/** The period a valid query names, counted back from the end of `now`'s second (whole seconds, and nothing recorded up to now left out). */
export function resolveStatementPeriod(query: StatementPeriodQuery, now: Date): StatementPeriod {
  if (query.from !== undefined && query.to !== undefined) return { from: query.from, to: query.to, label: `${query.from} .. ${query.to}` };
  const [, count = '0', unit] = /^(\d+)([md])$/.exec(query.period ?? '') ?? [];
  const to = new Date(Math.ceil(now.getTime() / 1000) * 1000);
  const from = new Date(to);
  if (unit === 'm') from.setUTCMonth(from.getUTCMonth() - Number(count));
  else from.setTime(from.getTime() - Number(count) * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString(), label: query.period! };
}
