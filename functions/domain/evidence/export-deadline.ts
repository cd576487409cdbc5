import type { ExportProgress, ExportProgressListener } from './export-progress.js';

/** `incident` or `drill-run`, as a trail of that phase is called. */
export const trailNoun = (phase: ExportProgress['phase']): string => (phase === 'incidents' ? 'incident' : 'drill-run');

/** Thrown by the guard when reading more trails would leave too little time to build, sign and send the export. */
export class ExportDeadlineReached extends Error {
  override name = 'ExportDeadlineReached';
  constructor(
    readonly progress: ExportProgress,
    readonly remainingMs: number,
  ) {
    super(`stopped reading after ${progress.collected} of ${progress.total} ${trailNoun(progress.phase)} trails with ${remainingMs} ms left`);
  }
}

/**
 * A progress listener that stops the collection once less than `reserveMs` of the invocation remains: the rest of that
 * time builds the files, signs the manifest and answers, so an oversized period ends in a clear refusal instead of a
 * Lambda timeout (which API Gateway turns into a bare 503).
 */
export function exportDeadlineGuard(remainingMs: () => number, reserveMs: number, next?: ExportProgressListener): ExportProgressListener {
  return (progress) => {
    next?.(progress);
    const left = remainingMs();
    // The last trail read is already in hand: only stopping with more to read saves anything.
    const more = progress.collected < progress.total || progress.phase === 'incidents';
    if (left < reserveMs && more) throw new ExportDeadlineReached(progress, left);
  };
}
