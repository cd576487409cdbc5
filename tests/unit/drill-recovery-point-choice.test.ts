import { describe, expect, it } from 'vitest';
import { chooseRecoveryPoint } from '../../functions/domain/drill/recovery-point-choice.js';
import { DrillPreflightError, type AvailableRecoveryPoints } from '../../functions/domain/drill/restore.js';

const started = new Date('2025-06-10T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();
const before = (ms: number): string => iso(started.getTime() - ms);

/** PITR on for 10 days, latest 5 min ago with milliseconds (as AWS and the local front report it). */
const continuous: AvailableRecoveryPoints = { kind: 'continuous', earliest: '2025-05-31T11:59:58.250Z', latest: '2025-06-10T11:55:00.750Z' };

/** Three backups, given oldest first on purpose: the choice must not rely on the order. */
const discrete: AvailableRecoveryPoints = {
  kind: 'discrete',
  points: [
    { id: 'arn:backup/old', at: before(20 * DAY) },
    { id: 'arn:backup/new', at: before(2 * DAY) },
    { id: 'arn:backup/mid', at: before(5 * DAY) },
  ],
};

const preflightError = (run: () => unknown): DrillPreflightError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DrillPreflightError);
    return error as DrillPreflightError;
  }
  throw new Error('expected a DrillPreflightError');
};

describe('chooseRecoveryPoint: latest', () => {
  it('continuous: the latest restorable second, asked for at drill start', () => {
    expect(chooseRecoveryPoint({ type: 'latest' }, continuous, started)).toEqual({ at: '2025-06-10T11:55:00.000Z', requestedAt: started.toISOString() });
  });

  it('discrete: the newest backup, whatever order they come in', () => {
    expect(chooseRecoveryPoint({ type: 'latest' }, discrete, started)).toEqual({ at: before(2 * DAY), requestedAt: started.toISOString(), id: 'arn:backup/new' });
  });

  it('discrete without backups: refused', () => {
    expect(preflightError(() => chooseRecoveryPoint({ type: 'latest' }, { kind: 'discrete', points: [] }, started)).message).toMatch(/no backups/);
  });

  it('create: the drill start, for the backup the driver takes', () => {
    expect(chooseRecoveryPoint({ type: 'latest' }, { kind: 'create' }, started)).toEqual({ at: started.toISOString(), requestedAt: started.toISOString() });
  });

  it('create with any other choice: refused', () => {
    preflightError(() => chooseRecoveryPoint({ type: 'pitr-offset', minutes: 10 }, { kind: 'create' }, started));
    preflightError(() => chooseRecoveryPoint({ type: 'random-within', days: 1 }, { kind: 'create' }, started));
  });
});

describe('chooseRecoveryPoint: pitr-offset', () => {
  it('continuous: that many minutes before the drill, to the second', () => {
    const startedWithMs = new Date('2025-06-10T12:00:00.400Z');
    expect(chooseRecoveryPoint({ type: 'pitr-offset', minutes: 60 }, continuous, startedWithMs)).toEqual({
      at: '2025-06-10T11:00:00.000Z',
      requestedAt: '2025-06-10T11:00:00.400Z',
    });
  });

  it('continuous: later than the latest restorable time is refused, naming the window and what was asked', () => {
    const error = preflightError(() => chooseRecoveryPoint({ type: 'pitr-offset', minutes: 2 }, continuous, started));
    expect(error.message).toContain('2025-05-31T11:59:58.250Z to 2025-06-10T11:55:00.750Z');
    expect(error.message).toContain('2025-06-10T11:58:00.000Z');
  });

  it('continuous: earlier than the earliest restorable time is refused', () => {
    const error = preflightError(() => chooseRecoveryPoint({ type: 'pitr-offset', minutes: 11 * 24 * 60 }, continuous, started));
    expect(error.message).toMatch(/restorable window/);
  });

  it('continuous: asked for within the earliest second, the first whole second after earliest', () => {
    const startedJustAfterEarliest = new Date(Date.parse('2025-05-31T11:59:58.750Z') + 60 * MINUTE);
    expect(chooseRecoveryPoint({ type: 'pitr-offset', minutes: 60 }, continuous, startedJustAfterEarliest).at).toBe('2025-05-31T11:59:59.000Z');
  });

  it('discrete: the newest backup taken at or before then', () => {
    expect(chooseRecoveryPoint({ type: 'pitr-offset', minutes: 3 * 24 * 60 }, discrete, started)).toEqual({
      at: before(5 * DAY),
      requestedAt: before(3 * DAY),
      id: 'arn:backup/mid',
    });
    expect(chooseRecoveryPoint({ type: 'pitr-offset', minutes: 2 * 24 * 60 }, discrete, started).id).toBe('arn:backup/new');
  });

  it('discrete: none that old is refused', () => {
    expect(preflightError(() => chooseRecoveryPoint({ type: 'pitr-offset', minutes: 30 * 24 * 60 }, discrete, started)).message).toMatch(/no backup was taken at or before/);
  });
});

describe('chooseRecoveryPoint: random-within', () => {
  it('continuous: a whole second in [max(earliest, start - days), latest], asked for itself', () => {
    const lowest = chooseRecoveryPoint({ type: 'random-within', days: 3 }, continuous, started, () => 0);
    expect(lowest).toEqual({ at: before(3 * DAY), requestedAt: before(3 * DAY) });
    const highest = chooseRecoveryPoint({ type: 'random-within', days: 3 }, continuous, started, () => 0.999_999_999);
    expect(highest.at).toBe('2025-06-10T11:55:00.000Z');
    const middle = chooseRecoveryPoint({ type: 'random-within', days: 3 }, continuous, started, () => 0.5);
    expect(Date.parse(middle.at) % 1000).toBe(0);
    expect(Date.parse(middle.at)).toBeGreaterThan(Date.parse(lowest.at));
    expect(Date.parse(middle.at)).toBeLessThan(Date.parse(highest.at));
    expect(middle.requestedAt).toBe(middle.at);
  });

  it('continuous: the window starts at earliest when days reach further back', () => {
    const chosen = chooseRecoveryPoint({ type: 'random-within', days: 30 }, continuous, started, () => 0);
    expect(chosen.at).toBe('2025-05-31T11:59:59.000Z');
  });

  it('continuous: every choice lies within the window', () => {
    for (let index = 0; index <= 100; index += 1) {
      const { at } = chooseRecoveryPoint({ type: 'random-within', days: 35 }, continuous, started, () => index / 100);
      expect(Date.parse(at)).toBeGreaterThanOrEqual(Date.parse('2025-05-31T11:59:58.250Z'));
      expect(Date.parse(at)).toBeLessThanOrEqual(Date.parse('2025-06-10T11:55:00.750Z'));
    }
  });

  it('continuous: a window that holds no whole second keeps the exact instant', () => {
    const justEnabled: AvailableRecoveryPoints = { kind: 'continuous', earliest: '2025-06-10T11:59:59.300Z', latest: '2025-06-10T11:59:59.300Z' };
    expect(chooseRecoveryPoint({ type: 'latest' }, justEnabled, started).at).toBe('2025-06-10T11:59:59.300Z');
  });

  it('discrete: a random one of the backups in the window', () => {
    const picks = new Set([0, 0.49, 0.5, 0.99].map((value) => chooseRecoveryPoint({ type: 'random-within', days: 7 }, discrete, started, () => value).id));
    expect(picks).toEqual(new Set(['arn:backup/new', 'arn:backup/mid']));
    expect(chooseRecoveryPoint({ type: 'random-within', days: 7 }, discrete, started, () => 0.99)).toEqual({
      at: before(5 * DAY),
      requestedAt: before(5 * DAY),
      id: 'arn:backup/mid',
    });
  });

  it('discrete: none in the window is refused', () => {
    expect(preflightError(() => chooseRecoveryPoint({ type: 'random-within', days: 1 }, discrete, started)).message).toMatch(/in the 1 days before/);
  });
});
