import * as z from './zod.js';
import { IncidentMode, IncidentStatus, Severity } from './incident.js';
import { META_SK } from './keys.js';
import { INCIDENT_ID_SOURCE } from './path-parameters.js';

export const DEFAULT_LISTING_DAYS = 30;
export const MAX_LISTING_DAYS = 366;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `open,acknowledged` → ['open', 'acknowledged'] (API Gateway also joins repeated parameters with commas). */
const commaList = <Item extends z.ZodMiniType<unknown, string>>(item: Item) =>
  z.pipe(z.pipe(z.string(), z.transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part !== ''))), z.array(item).check(z.minLength(1, 'give at least one value')));

/** An ISO 8601 time with offset, or a date (midnight UTC), normalised to the form incidents store. */
const instant = z.pipe(z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'use an ISO 8601 time such as 2026-11-01T00:00:00Z or a date such as 2026-11-01' }), z.transform((value) => new Date(value).toISOString()));

/** Query string of GET /incidents. */
export const ListIncidentsParameters = z.strictObject({
  status: z.optional(commaList(IncidentStatus)),
  severity: z.optional(commaList(Severity)),
  mode: z.optional(IncidentMode),
  /** Opened at or after (inclusive). */
  from: z.optional(instant),
  /** Opened before (exclusive). */
  to: z.optional(instant),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE_SIZE)), DEFAULT_PAGE_SIZE),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});
export type ListIncidentsParameters = z.infer<typeof ListIncidentsParameters>;

/** A listing with its period settled: what a page token carries so the next page answers the same question. */
export const IncidentListQuery = z.strictObject({
  status: z.optional(z.array(IncidentStatus)),
  severity: z.optional(z.array(Severity)),
  mode: z.optional(IncidentMode),
  from: z.string(),
  to: z.string(),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

/** Where the next page starts: a month partition, and DynamoDB's position inside it (none = its newest item). */
const MONTH_PARTITION = /^INCIDENT#\d{4}-\d{2}$/;
export const IncidentListPosition = z.strictObject({
  month: z.string().check(z.regex(MONTH_PARTITION)),
  // The last key a GSI1 query read, exactly: DynamoDB answers any other shape (or a key over its size limits) with an error.
  startKey: z.optional(z
    .strictObject({
      PK: z.string().check(z.regex(new RegExp(`^INC#${INCIDENT_ID_SOURCE}$`))),
      SK: z.literal(META_SK),
      GSI1PK: z.string().check(z.regex(MONTH_PARTITION)),
      GSI1SK: z.string().check(z.regex(new RegExp(`^[0-9T:.Z+-]{10,35}#${INCIDENT_ID_SOURCE}$`))),
    })),
}).check(z.refine((position) => position.startKey === undefined || position.startKey.GSI1PK === position.month));
export type IncidentListPosition = z.infer<typeof IncidentListPosition>;

const PageToken = z.strictObject({ query: IncidentListQuery, position: IncidentListPosition });
type PageToken = z.infer<typeof PageToken>;

export function encodePageToken(query: IncidentListQuery, position: IncidentListPosition): string {
  return Buffer.from(JSON.stringify({ query, position } satisfies PageToken), 'utf8').toString('base64url');
}

export type ListingResolution =
  | { readonly ok: true; readonly query: IncidentListQuery; readonly position?: IncidentListPosition }
  | { readonly ok: false; readonly message: string };

/**
 * Settles a listing: the period defaults to the last 30 days up to `now`; a nextToken brings its own
 * query, and filters sent beside it must be the same ones (a token answers one question only).
 */
export function resolveListing(parameters: ListIncidentsParameters, now: Date): ListingResolution {
  if (parameters.nextToken !== undefined) {
    const token = decodePageToken(parameters.nextToken);
    if (!token) return { ok: false, message: 'nextToken is not one this API issued; drop it to list from the first page' };
    for (const name of ['status', 'severity', 'mode', 'from', 'to'] as const) {
      const given = parameters[name];
      if (given !== undefined && JSON.stringify(given) !== JSON.stringify(token.query[name])) {
        return {
          ok: false,
          message: `nextToken continues a listing with ${name}=${JSON.stringify(token.query[name] ?? null)}; send the same ${name} or leave it out`,
        };
      }
    }
    const problem = periodProblem(token.query.from, token.query.to);
    if (problem) return { ok: false, message: `nextToken is not one this API issued (${problem}); drop it to list from the first page` };
    return { ok: true, query: token.query, position: token.position };
  }

  const to = parameters.to ?? now.toISOString();
  const from = parameters.from ?? new Date(Date.parse(to) - DEFAULT_LISTING_DAYS * DAY_MS).toISOString();
  const problem = periodProblem(from, to);
  if (problem) return { ok: false, message: problem };
  const { status, severity, mode } = parameters;
  return {
    ok: true,
    query: { ...(status && { status }), ...(severity && { severity }), ...(mode && { mode }), from, to },
  };
}

function periodProblem(from: string, to: string): string | undefined {
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return 'from and to must be ISO 8601 times';
  if (from >= to) return `from (${from}) must be before to (${to})`;
  if (Date.parse(to) - Date.parse(from) > MAX_LISTING_DAYS * DAY_MS) {
    return `from and to may be at most ${MAX_LISTING_DAYS} days apart; list a longer period a year at a time`;
  }
  return undefined;
}

function decodePageToken(token: string): PageToken | undefined {
  try {
    const parsed = PageToken.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
