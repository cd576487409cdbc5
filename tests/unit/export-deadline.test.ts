import { describe, expect, it } from 'vitest';
import { ExportDeadlineReached, exportDeadlineGuard } from '../../functions/domain/evidence/export-deadline.js';
import type { ExportProgress } from '../../functions/domain/evidence/export-progress.js';

const progress = (phase: ExportProgress['phase'], collected: number, total: number): ExportProgress => ({ phase, collected, total, events: collected * 10 });

describe('exportDeadlineGuard', () => {
  it('lets the collection go on while the reserve is still ahead', () => {
    const guard = exportDeadlineGuard(() => 20_000, 10_000);
    expect(() => guard(progress('incidents', 1, 500))).not.toThrow();
    expect(() => guard(progress('drill runs', 3, 12))).not.toThrow();
  });

  it('stops once the remaining time falls under the reserve, saying how far it got', () => {
    let remaining = 15_000;
    const seen: ExportProgress[] = [];
    const guard = exportDeadlineGuard(() => remaining, 10_000, (step) => seen.push(step));
    guard(progress('incidents', 1, 500));
    remaining = 9_999;
    let stopped: unknown;
    try {
      guard(progress('incidents', 2, 500));
    } catch (error) {
      stopped = error;
    }
    expect(stopped).toBeInstanceOf(ExportDeadlineReached);
    expect(stopped).toMatchObject({ progress: { phase: 'incidents', collected: 2, total: 500 }, remainingMs: 9_999 });
    expect((stopped as Error).message).toBe('stopped reading after 2 of 500 incident trails with 9999 ms left');
    // The listener it wraps still heard every step, the last one included.
    expect(seen.map(({ collected }) => collected)).toEqual([1, 2]);
  });

  it('does not stop on the very last trail: everything is read by then', () => {
    const guard = exportDeadlineGuard(() => 1_000, 10_000);
    expect(() => guard(progress('drill runs', 12, 12))).not.toThrow();
    // After the last incident the drill runs are still to come.
    expect(() => guard(progress('incidents', 500, 500))).toThrow(ExportDeadlineReached);
  });
});
