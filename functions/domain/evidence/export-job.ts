import type { EvidencePeriod } from './exported-trail.js';
import { boundedPeriod } from './verification-period.js';

/*
 * An asynchronous evidence export (POST /evidence/exports): its id, its period cut into months (the state machine's
 * Map fans out over them), its record and what GET /evidence/exports/{id} shows of it.
 */

/** Ten years and a few days: far past any audit period, and at most 121 months for the Map to fan out over. */
export const MAX_EXPORT_DAYS = 3_660;

/** The body of POST /evidence/exports: both ends given (no unbounded export), from before to, at most MAX_EXPORT_DAYS. */
export const ExportRequest = boundedPeriod(MAX_EXPORT_DAYS, `the period may span at most ${MAX_EXPORT_DAYS} days; export a longer one in parts`);

export const EXPORT_ID_SOURCE = 'ex-[0-9a-f]{32}';
export const EXPORT_ID_PATTERN = new RegExp(`^${EXPORT_ID_SOURCE}$`);

/** A fresh export id (also its execution's name). */
export const newExportId = (uuid: string): string => `ex-${uuid.replace(/-/g, '')}`;

/** One month of the period (the first and last clipped to it): what one Map iteration reads. */
export interface ExportMonth extends EvidencePeriod {
  /** YYYY-MM, the name of the month's part. */
  readonly month: string;
}

/** The period's calendar months (UTC), oldest first, each clipped to the period. */
export function exportMonths(period: EvidencePeriod): ExportMonth[] {
  const months: ExportMonth[] = [];
  const cursor = new Date(`${period.from.slice(0, 7)}-01T00:00:00.000Z`);
  while (cursor.toISOString() < period.to) {
    const start = cursor.toISOString();
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    const end = cursor.toISOString();
    months.push({ month: start.slice(0, 7), from: start < period.from ? period.from : start, to: end > period.to ? period.to : end });
  }
  return months;
}

/** How long an export may run at most (the state machine's TimeoutSeconds): a claim on a period older than this is stale. */
export const EVIDENCE_EXPORT_TIMEOUT_SECONDS = 4 * 60 * 60;

export type ExportStatus = 'running' | 'completed' | 'failed';

/** The export's record (EXPORT#<id>, META): what it is of, where it is, and how it ended. */
export interface ExportRecord {
  readonly exportId: string;
  readonly period: EvidencePeriod;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly status: ExportStatus;
  readonly months: number;
  /** Events collected in each month done, by YYYY-MM: set, never added to, so a month's step retried counts once. */
  readonly monthsDone?: Readonly<Record<string, number>>;
  readonly completedAt?: string;
  /** The signed zip's object key in the exports bucket: set only once the manifest is signed and the zip written. */
  readonly zipKey?: string;
  readonly zipBytes?: number;
  readonly zipSha256?: string;
  readonly keyFingerprint?: string;
  readonly trails?: { readonly total: number; readonly broken: number };
  /** Why it failed (the error's name and message), for a failed export. */
  readonly failure?: string;
}

/** Where the month parts and the zip of an export live in the exports bucket. */
export const exportPartKey = (exportId: string, month: string): string => `exports/${exportId}/parts/${month}.json`;
export const exportZipKey = (exportId: string, baseName: string): string => `exports/${exportId}/${baseName}.zip`;

/** How long a download link lives: long enough to start a download, short enough that a forwarded link soon dies. */
export const DOWNLOAD_URL_SECONDS = 300;

/** A Step Functions Catch's `{Error, Cause}` as one line for the record (a Lambda error's Cause is its JSON). */
export function failureReason(failure: { Error?: unknown; Cause?: unknown } | undefined): string {
  const error = typeof failure?.Error === 'string' ? failure.Error : 'Error';
  const cause = typeof failure?.Cause === 'string' ? failure.Cause : '';
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // A Cause that is not JSON is the message itself.
  }
  return `${error}: ${message}`.slice(0, 1_000);
}

/** Months done of months, and the events they held: counted from the set of months done. */
export function exportProgress(record: Pick<ExportRecord, 'months' | 'monthsDone'>): { monthsCollected: number; months: number; eventsCollected: number } {
  const done = Object.values(record.monthsDone ?? {});
  return { monthsCollected: done.length, months: record.months, eventsCollected: done.reduce((sum, events) => sum + events, 0) };
}

/** What GET /evidence/exports/{id} answers (the download link added by the caller when it may have one). */
export function exportView(record: ExportRecord) {
  return {
    exportId: record.exportId,
    period: record.period,
    status: record.status,
    requestedBy: record.requestedBy,
    requestedAt: record.requestedAt,
    progress: exportProgress(record),
    ...(record.completedAt !== undefined && { completedAt: record.completedAt }),
    ...(record.trails && { trails: record.trails }),
    ...(record.zipSha256 !== undefined && { zip: { bytes: record.zipBytes, sha256: record.zipSha256, keyFingerprint: record.keyFingerprint } }),
    ...(record.failure !== undefined && { failure: record.failure }),
  };
}
