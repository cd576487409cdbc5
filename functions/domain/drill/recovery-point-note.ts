import { formatDuration } from '../duration.js';
import type { DrillCheckResult } from './check-result.js';
import { validationPassed } from './objectives.js';
import type { ChosenRecoveryPoint } from './restore.js';

/** Point-in-time recovery's window when the point was chosen. */
export interface RestorableWindow {
  readonly earliest: string;
  readonly latest: string;
}

/** PITR restores to the second: a point within this of the earliest restorable time is that time. */
const SAME_SECOND_MS = 1_000;

const detail = (result: DrillCheckResult, name: string): unknown => result.details?.[name];

/** What the checks found that the recovery point predates: each a clause saying what came after it. */
function laterData(point: ChosenRecoveryPoint, window: RestorableWindow | undefined, results: readonly DrillCheckResult[]): string[] {
  const atMs = Date.parse(point.at);
  const clauses: string[] = [];
  if (window && atMs - Date.parse(window.earliest) < SAME_SECOND_MS) {
    clauses.push('it is the earliest restorable time (point-in-time recovery of the source began then, e.g. when the table was created), so nothing written since is in the restore');
  }
  for (const result of results) {
    const sourceCanary = detail(result, 'sourceCanaryWrittenAt');
    if ((result.type === 'canary' || result.type === 'canary-object' || result.type === 'sql-canary') && !result.passed && typeof sourceCanary === 'string' && Date.parse(sourceCanary) > atMs) {
      clauses.push(`the source's canary was written ${sourceCanary}, after it`);
    }
    const skipped = detail(result, 'skipped');
    if (result.type === 'sample-keys' && Array.isArray(skipped) && skipped.length > 0) {
      clauses.push(`${skipped.length} of the sampled source items were modified after it`);
    }
  }
  return clauses;
}

/**
 * When validation failed and the recovery point predates the data the checks looked for, the reason says so (and
 * how far PITR's latest restorable time trailed the drill's start): a drill that restored nothing is then read as
 * "too early a point", not as lost data. Undefined when validation passed or nothing shows the point was too early.
 */
export function recoveryPointReason(point: ChosenRecoveryPoint | undefined, window: RestorableWindow | undefined, results: readonly DrillCheckResult[]): string | undefined {
  if (!point || validationPassed(results)) return undefined;
  const clauses = laterData(point, window, results);
  if (clauses.length === 0) return window ? trailingPointNote(point, window) : undefined;
  return `the recovery point ${point.at} predates the data the checks looked for: ${clauses.join('; ')}${lagText(point, window)}`;
}

/** How far PITR's latest restorable time trailed: the window may not even have opened past its first second. */
function lagText(point: ChosenRecoveryPoint, window: RestorableWindow | undefined): string {
  if (!window) return '';
  if (Date.parse(window.latest) - Date.parse(window.earliest) < SAME_SECOND_MS) {
    return "; point-in-time recovery's restorable window had not opened yet (its latest restorable time was still its earliest; in AWS it trails the clock by about 5 minutes): run the drill once the data is older than that";
  }
  const lagSeconds = Math.round((Date.parse(point.requestedAt) - Date.parse(window.latest)) / 1000);
  if (lagSeconds <= 0) return '';
  return `; point-in-time recovery's latest restorable time (${window.latest}) trailed the point asked for by ${formatDuration(lagSeconds)} (in AWS about 5 minutes behind the clock): data written since is not restorable yet`;
}

/** Minutes PITR's latest point may trail the point asked for before a failed check is worth a note on it. */
const NOTEWORTHY_LAG_SECONDS = 60;

/**
 * No check proves the point too early, but it trails the point asked for (PITR's lag): the restore cannot hold what
 * was written in between, which a count or a checksum against the source now will miss. A fact, not a verdict.
 */
function trailingPointNote(point: ChosenRecoveryPoint, window: RestorableWindow): string | undefined {
  const gapSeconds = Math.round((Date.parse(point.requestedAt) - Date.parse(point.at)) / 1000);
  if (gapSeconds < NOTEWORTHY_LAG_SECONDS || Date.parse(point.at) < Date.parse(window.latest) - SAME_SECOND_MS) return undefined;
  return (
    `the restore holds the source as of ${point.at}, point-in-time recovery's latest restorable time, ${formatDuration(gapSeconds)} before the point asked for ` +
    `(${point.requestedAt}; in AWS it trails the clock by about 5 minutes): anything written to the source since is not in it`
  );
}
