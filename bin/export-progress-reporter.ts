import { progressLine, type ExportProgress, type ExportProgressListener } from '../functions/domain/evidence/export-progress.js';

/** Progress lines on a pipe or file: one every this many trails, and the last of each phase. */
export const PROGRESS_EVERY_TRAILS = 50;

export interface ProgressReporter {
  readonly onProgress: ExportProgressListener;
  /** Ends the updating line on a TTY, so the summary starts on its own line. */
  finish(): void;
}

/**
 * Progress to stderr only (stdout stays the command's result): on a TTY one line rewritten in place,
 * elsewhere a line every PROGRESS_EVERY_TRAILS trails.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let pending = false;
  const onProgress = (progress: ExportProgress): void => {
    const last = progress.collected === progress.total;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${progressLine(progress)}`);
      pending = true;
    } else if (last || progress.collected % PROGRESS_EVERY_TRAILS === 0) {
      stream.write(`${progressLine(progress)}\n`);
    }
  };
  return {
    onProgress,
    finish: () => {
      if (pending) stream.write('\n');
      pending = false;
    },
  };
}
