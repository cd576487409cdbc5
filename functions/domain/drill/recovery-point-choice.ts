import type { RecoveryPointChoice } from '../drill-plan-schema.js';
import { DrillPreflightError, type AvailableRecoveryPoints, type ChosenRecoveryPoint, type RecoveryPointRef } from './restore.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const SECOND_MS = 1_000;

/**
 * The recovery point a run restores, as the plan asks (latest, minutes before the drill, or random within days),
 * from what the source can be restored from now. Throws DrillPreflightError when nothing fits.
 */
export function chooseRecoveryPoint(
  choice: RecoveryPointChoice,
  available: AvailableRecoveryPoints,
  drillStartedAt: Date,
  random: () => number = Math.random,
): ChosenRecoveryPoint {
  const startedMs = drillStartedAt.getTime();
  if (available.kind === 'create') {
    // The driver takes the backup when the restore starts: only "latest" makes sense (the plan schema holds to it).
    if (choice.type !== 'latest') throw new DrillPreflightError(`a backup the drill creates is the latest point; the plan asks for ${describeChoice(choice)}`);
    return { at: drillStartedAt.toISOString(), requestedAt: drillStartedAt.toISOString() };
  }
  if (available.kind === 'continuous') return chooseContinuous(choice, available, startedMs, random);
  return chooseDiscrete(choice, newestFirst(available.points), startedMs, random);
}

function chooseContinuous(
  choice: RecoveryPointChoice,
  window: { readonly earliest: string; readonly latest: string },
  startedMs: number,
  random: () => number,
): ChosenRecoveryPoint {
  const earliestMs = Date.parse(window.earliest);
  const latestMs = Date.parse(window.latest);
  const windowText = `the restorable window is ${window.earliest} to ${window.latest}`;
  switch (choice.type) {
    case 'latest':
      return { at: wholeSecondWithin(latestMs, earliestMs, latestMs), requestedAt: new Date(startedMs).toISOString() };
    case 'pitr-offset': {
      const requestedMs = startedMs - choice.minutes * MINUTE_MS;
      const requestedAt = new Date(requestedMs).toISOString();
      if (requestedMs < earliestMs || requestedMs > latestMs) {
        throw new DrillPreflightError(`${windowText}; the plan asks for ${requestedAt} (${choice.minutes} min before the drill started)`);
      }
      return { at: wholeSecondWithin(requestedMs, earliestMs, latestMs), requestedAt };
    }
    case 'random-within': {
      const fromMs = Math.max(earliestMs, startedMs - choice.days * DAY_MS);
      if (fromMs > latestMs) {
        throw new DrillPreflightError(`${windowText}; the plan asks for a point in the ${choice.days} days before ${new Date(startedMs).toISOString()}`);
      }
      const at = wholeSecondWithin(fromMs + random() * (latestMs - fromMs), fromMs, latestMs);
      return { at, requestedAt: at };
    }
  }
}

function chooseDiscrete(choice: RecoveryPointChoice, points: readonly RecoveryPointRef[], startedMs: number, random: () => number): ChosenRecoveryPoint {
  const pointsText = points.length === 0 ? 'there are no backups' : `the newest backup is from ${points[0]?.at}, the oldest from ${points.at(-1)?.at}`;
  switch (choice.type) {
    case 'latest': {
      const newest = points[0];
      if (!newest) throw new DrillPreflightError('there are no backups of the source to restore');
      return chosen(newest, new Date(startedMs).toISOString());
    }
    case 'pitr-offset': {
      const requestedAt = new Date(startedMs - choice.minutes * MINUTE_MS).toISOString();
      const point = points.find((candidate) => Date.parse(candidate.at) <= Date.parse(requestedAt));
      if (!point) throw new DrillPreflightError(`no backup was taken at or before ${requestedAt} (${choice.minutes} min before the drill started); ${pointsText}`);
      return chosen(point, requestedAt);
    }
    case 'random-within': {
      const fromMs = startedMs - choice.days * DAY_MS;
      const within = points.filter((candidate) => Date.parse(candidate.at) >= fromMs && Date.parse(candidate.at) <= startedMs);
      const point = within[Math.min(Math.floor(random() * within.length), within.length - 1)];
      if (!point) throw new DrillPreflightError(`no backup was taken in the ${choice.days} days before ${new Date(startedMs).toISOString()}; ${pointsText}`);
      return chosen(point, point.at);
    }
  }
}

const chosen = (point: RecoveryPointRef, requestedAt: string): ChosenRecoveryPoint => ({ at: point.at, requestedAt, id: point.id, ...(point.vault !== undefined && { vault: point.vault }) });

const newestFirst = (points: readonly RecoveryPointRef[]): RecoveryPointRef[] => [...points].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

/**
 * PITR restores to the second: the whole second at or before `instantMs`, kept inside [earliest, latest]. A window
 * holding no whole second (PITR just turned on) keeps the exact instant.
 */
function wholeSecondWithin(instantMs: number, earliestMs: number, latestMs: number): string {
  const floored = Math.floor(instantMs / SECOND_MS) * SECOND_MS;
  if (floored >= earliestMs) return new Date(Math.min(floored, Math.floor(latestMs / SECOND_MS) * SECOND_MS)).toISOString();
  const ceiled = Math.ceil(earliestMs / SECOND_MS) * SECOND_MS;
  return new Date(ceiled <= latestMs ? ceiled : Math.min(Math.max(instantMs, earliestMs), latestMs)).toISOString();
}

function describeChoice(choice: RecoveryPointChoice): string {
  if (choice.type === 'pitr-offset') return `${choice.minutes} min before the drill`;
  if (choice.type === 'random-within') return `a random point within ${choice.days} days`;
  return 'the latest point';
}
