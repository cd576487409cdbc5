import { describe, expect, it } from 'vitest';
import type { DrillCheckResult } from '../../functions/domain/drill/check-result.js';
import { canaryVerdict } from '../../functions/domain/drill/check-verdicts.js';
import { judgeDrill } from '../../functions/domain/drill/outcome.js';
import { recoveryPointReason } from '../../functions/domain/drill/recovery-point-note.js';
import type { DrillExecutionState } from '../../functions/domain/drill/run.js';

/*
 * A drill that restored nothing because PITR's latest restorable time trails the clock (5 minutes in AWS) must say
 * so: the recovery point predates the data, which is not the same finding as data lost.
 */
const startedAt = '2026-03-01T12:00:00.000Z';
/** The table (and its PITR) is 40 s old: the window has not opened past its first second yet. */
const justCreated = { earliest: '2026-03-01T11:59:20.000Z', latest: '2026-03-01T11:59:20.000Z' };
const point = { at: '2026-03-01T11:59:20.000Z', requestedAt: startedAt };
const restoredNothing: DrillCheckResult = { id: 'item-count', type: 'item-count', passed: false, expected: "30 items, the source table's count now", actual: '0 items', details: { actual: 0, expected: 30 } };

describe('the reason a drill gives when its recovery point predates the data', () => {
  it('names the earliest restorable time, and a window not open yet, when the point is where PITR began', () => {
    expect(recoveryPointReason(point, justCreated, [restoredNothing])).toBe(
      'the recovery point 2026-03-01T11:59:20.000Z predates the data the checks looked for: it is the earliest restorable time ' +
        '(point-in-time recovery of the source began then, e.g. when the table was created), so nothing written since is in the restore; ' +
        "point-in-time recovery's restorable window had not opened yet (its latest restorable time was still its earliest; in AWS it trails the clock by about 5 minutes): run the drill once the data is older than that",
    );
  });

  it('names a canary the source only got after the point', () => {
    const canary = canaryVerdict({ requestedAt: startedAt, recoveryPointAt: '2026-03-01T11:55:00.000Z', canaryWrittenAt: undefined, sourceCanaryWrittenAt: '2026-03-01T11:58:00.000Z', rpoMinutes: 15 });
    expect(canary.actual).toBe("no canary in the restored table: the source's canary was written 2026-03-01T11:58:00.000Z, after the recovery point 2026-03-01T11:55:00.000Z");
    const window = { earliest: '2026-02-20T00:00:00.000Z', latest: '2026-03-01T11:55:00.000Z' };
    const reason = recoveryPointReason({ at: '2026-03-01T11:55:00.000Z', requestedAt: startedAt }, window, [{ id: 'canary', type: 'canary', ...canary }]);
    expect(reason).toMatch(/^the recovery point 2026-03-01T11:55:00.000Z predates the data the checks looked for: the source's canary was written 2026-03-01T11:58:00.000Z, after it; .* by 5m /);
  });

  it('notes, without blaming it, that the latest point trails the drill: writes since are not in the restore', () => {
    const oldWindow = { earliest: '2026-02-20T00:00:00.000Z', latest: '2026-03-01T11:55:00.000Z' };
    expect(recoveryPointReason({ at: oldWindow.latest, requestedAt: startedAt }, oldWindow, [restoredNothing])).toBe(
      "the restore holds the source as of 2026-03-01T11:55:00.000Z, point-in-time recovery's latest restorable time, 5m before the point asked for " +
        '(2026-03-01T12:00:00.000Z; in AWS it trails the clock by about 5 minutes): anything written to the source since is not in it',
    );
  });

  it('says nothing of the kind when validation passed, or when the point is the one asked for (data really differs)', () => {
    expect(recoveryPointReason(point, justCreated, [{ ...restoredNothing, passed: true }])).toBeUndefined();
    const oldWindow = { earliest: '2026-02-20T00:00:00.000Z', latest: '2026-03-01T11:55:00.000Z' };
    // pitr-offset: an hour before the drill, well inside the window.
    const offset = { at: '2026-03-01T11:00:00.000Z', requestedAt: '2026-03-01T11:00:00.000Z' };
    expect(recoveryPointReason(offset, oldWindow, [restoredNothing])).toBeUndefined();
    // Backups: no window, no lag to speak of.
    expect(recoveryPointReason({ at: '2026-03-01T02:00:00.000Z', requestedAt: startedAt, id: 'arn:backup' }, undefined, [restoredNothing])).toBeUndefined();
  });

  it('is one of the reasons judgeDrill records (run record, email, failure incident)', () => {
    const state: DrillExecutionState = {
      input: { planId: 'p', trigger: 'cli' },
      runId: 'r',
      executionArn: 'arn',
      startedAt,
      run: {
        planId: 'p',
        planHash: 'h',
        sourceTableName: 's',
        sourceTableArn: 'arn:s',
        restoreTableName: 'irdr-drill-p-r',
        recoveryPoint: point,
        restorableWindow: justCreated,
        holdSeconds: 0,
        restoreTimeoutSeconds: 7200,
        targets: { rtoMinutes: 60, rpoMinutes: 15 },
      },
      checks: { results: [restoredNothing], completedAt: startedAt, validated: false, elapsedSeconds: 6 },
      cleanup: { status: 'DELETED', deletedExtras: [], attempts: 1, firstAttemptAt: startedAt },
    };
    const verdict = judgeDrill(state);
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[0]).toBe("check item-count failed: expected 30 items, the source table's count now, found 0 items");
    expect(verdict.reasons[1]).toMatch(/^the recovery point 2026-03-01T11:59:20.000Z predates the data the checks looked for: it is the earliest restorable time/);
  });
});
