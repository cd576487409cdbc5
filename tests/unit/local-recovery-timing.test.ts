import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOVERY_TIMING, scaledRecoveryTiming } from '../../local/dynamodb/recovery-timing.js';

describe('the local DynamoDB recovery timing of a time-scaled stack', () => {
  it('divides the defaults by the time scale: PITR trails the clock by 5 min in AWS, 5 s at x60', () => {
    expect(DEFAULT_RECOVERY_TIMING.latestRestorableLagMs).toBe(300_000);
    expect(scaledRecoveryTiming(undefined, 60)).toEqual({
      restoreDuration: { baseMs: 5_000 / 60, perItemMs: 1 / 60 },
      backupDuration: { baseMs: 1_000 / 60, perItemMs: 0 },
      latestRestorableLagMs: 5_000,
    });
  });

  it('divides what a caller gives too, and keeps the default for what it leaves out', () => {
    const timing = scaledRecoveryTiming({ restoreDuration: { baseMs: 60_000, perItemMs: 100 } }, 60);
    expect(timing.restoreDuration).toEqual({ baseMs: 1_000, perItemMs: 100 / 60 });
    expect(timing.latestRestorableLagMs).toBe(5_000);
    expect(scaledRecoveryTiming({ latestRestorableLagMs: 0 }, 60).latestRestorableLagMs).toBe(0);
    expect(scaledRecoveryTiming(undefined, 1)).toEqual(DEFAULT_RECOVERY_TIMING);
  });
});
