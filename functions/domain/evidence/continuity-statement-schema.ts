import * as z from '../zod.js';

/*
 * The continuity statement as given to customers: strict (an unknown field is refused, so nothing rides along unseen),
 * and made of figures, dates, public aliases and AWS Backup resource-type names only: no identifier of ours.
 */

export const STATEMENT_FORMAT = 'irdr-continuity-statement/1';

/** A plan's public name: plain words a customer may read (config `evidence.statement.planAliases`, or `Plan A`, `Plan B`, ...). */
export const PublicAlias = z.string().check(z.trim(), z.minLength(1, 'an alias has at least one character'), z.maxLength(60, 'at most 60 characters'), z.regex(/^[\p{L}\p{N}][\p{L}\p{N} ()&.,+/'-]*$/u, 'letters, digits, spaces and ( ) & . , + / \' - only, starting with a letter or digit'));

/** Where a statement is published for the Trust Center to link to: `s3://<bucket>[/<prefix>]`. */
// A `.` or `..` segment is a valid key, but not where a page's relative links would resolve (the refine).
export const StatementPublishLocation = z.string().check(z.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()-]+)*\/?$/, 's3://<bucket>[/<prefix>], e.g. s3://example-trust-center/continuity'), z.refine((location) => !location.split('/').slice(3).some((segment) => /^\.+$/.test(segment)), 's3://<bucket>[/<prefix>] with no . or .. segment in the prefix'));

const IsoTime = z.iso.datetime();
const Seconds = z.number().check(z.nonnegative());

const Objective = z.strictObject({
  targetMinutes: z.optional(z.number().check(z.nonnegative())),
  /** Over the runs that proved recovery and measured it: the longest and the median achieved. */
  worstSeconds: z.optional(Seconds),
  medianSeconds: z.optional(Seconds),
  measured: z.number().check(z.int(), z.nonnegative()),
  withinTarget: z.number().check(z.int(), z.nonnegative()),
});

const StatementPlan = z.strictObject({
  alias: PublicAlias,
  cadence: z.strictObject({
    promised: z.string(),
    scheduled: z.boolean(),
    dueWindows: z.number().check(z.int(), z.nonnegative()),
    metWindows: z.number().check(z.int(), z.nonnegative()),
    met: z.boolean(),
    gaps: z.array(z.strictObject({ from: IsoTime, to: IsoTime, windows: z.number().check(z.int(), z.positive()) })),
  }),
  /** The plan's newest finished run of the period: when, and whether it proved recovery. */
  lastDrill: z.optional(z.strictObject({ date: IsoTime, result: z.enum(['passed', 'failed', 'not validated']) })),
  runs: z.strictObject({ total: z.number().check(z.int(), z.nonnegative()), passed: z.number().check(z.int(), z.nonnegative()), notPassed: z.number().check(z.int(), z.nonnegative()) }),
  rto: Objective,
  rpo: Objective,
});
export type StatementPlan = z.infer<typeof StatementPlan>;

const ResourceTypeCoverage = z.strictObject({
  type: z.string().check(z.regex(/^[A-Za-z0-9 ._-]{1,64}$/)),
  resources: z.number().check(z.int(), z.nonnegative()),
  drilled: z.number().check(z.int(), z.nonnegative()),
  attempted: z.number().check(z.int(), z.nonnegative()),
  notDrilled: z.number().check(z.int(), z.nonnegative()),
});

export const StatementSignature = z.strictObject({
  algorithm: z.literal('Ed25519'),
  canonicalization: z.literal('RFC 8785'),
  publicKey: z.string().check(z.startsWith('-----BEGIN PUBLIC KEY-----')),
  keyFingerprint: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
  value: z.string().check(z.regex(/^[A-Za-z0-9+/]{86}==$/)),
});

export const ContinuityStatement = z.strictObject({
  format: z.literal(STATEMENT_FORMAT),
  period: z.strictObject({ from: IsoTime, to: IsoTime, label: z.string().check(z.maxLength(60)) }),
  generatedAt: IsoTime,
  drills: z.strictObject({
    /** met: every scheduled plan met every due window; gaps: one did not; no-drills: no run in the period, so no claim. */
    verdict: z.enum(['met', 'gaps', 'no-drills', 'not-judged']),
    summary: z.string(),
    plans: z.array(StatementPlan),
    restoreCoverage: z.union([
      z.strictObject({ byType: z.array(ResourceTypeCoverage) }),
      z.strictObject({ unavailable: z.string() }),
    ]),
  }),
  incidents: z.strictObject({
    /** Live incidents opened in the period (exercises are IR plan tests, not incidents). */
    live: z.number().check(z.int(), z.nonnegative()),
    sev1And2: z.strictObject({ total: z.number().check(z.int(), z.nonnegative()), acknowledged: z.number().check(z.int(), z.nonnegative()), medianSecondsToAcknowledge: z.optional(Seconds) }),
    /** SLA clocks of live incidents that ran out or were met (running or stopped ones are not judged). */
    responseClocks: z.strictObject({
      judged: z.number().check(z.int(), z.nonnegative()),
      onTime: z.number().check(z.int(), z.nonnegative()),
      late: z.number().check(z.int(), z.nonnegative()),
      missed: z.number().check(z.int(), z.nonnegative()),
      percentMet: z.optional(z.number().check(z.gte(0), z.lte(100))),
    }),
  }),
  /** The full evidence export of the same period this summarises: its manifest's SHA-256 ties the two (under NDA). */
  evidenceExport: z.strictObject({
    format: z.string(),
    generatedAt: IsoTime,
    manifestSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    trails: z.strictObject({ total: z.number().check(z.int(), z.nonnegative()), broken: z.number().check(z.int(), z.nonnegative()) }),
  }),
  signature: z.optional(StatementSignature),
});
export type ContinuityStatement = z.infer<typeof ContinuityStatement>;
