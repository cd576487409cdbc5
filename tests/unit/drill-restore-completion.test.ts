import { describe, expect, it } from 'vitest';
import { restoreCompletion } from '../../functions/domain/drill/restore-completion.js';

const seenAt = '2026-12-07T09:40:10.000Z';

describe('when a restore completed, and how late the drill saw it', () => {
  it("AWS Backup, waited for by event: the job's CompletionDate, seen that long after it", () => {
    expect(restoreCompletion({ signal: 'event', serviceCompletedAt: '2026-12-07T09:40:04.000Z', wokenBy: 'event', announcedAt: '2026-12-07T09:40:04.000Z', lastWaitSeconds: 900, seenAt })).toEqual({
      completedAt: '2026-12-07T09:40:04.000Z',
      completedAtFrom: 'service',
      resolutionSeconds: 6,
    });
  });

  it('a poll: the look that saw it, at most its last wait late', () => {
    expect(restoreCompletion({ signal: 'poll', wokenBy: 'poll', lastWaitSeconds: 180, seenAt })).toEqual({ completedAt: seenAt, completedAtFrom: 'look', resolutionSeconds: 180 });
  });

  it("an RDS restore woken by RDS's event: the look that saw it, at most the time since RDS announced it — not the 15-minute safety net", () => {
    // The RDS User Guide's events carry RDS's own Date (e.g. "2021-03-19T19:34:09.293Z").
    expect(restoreCompletion({ signal: 'event', wokenBy: 'event', announcedAt: '2026-12-07T09:40:08.293Z', lastWaitSeconds: 900, seenAt })).toEqual({ completedAt: seenAt, completedAtFrom: 'look', resolutionSeconds: 2 });
  });

  it('an announcement that bounds nothing falls back to the last wait: after the look, not a time, older than the wait, or not what woke the drill', () => {
    const lastWait = { signal: 'event', lastWaitSeconds: 900, seenAt } as const;
    expect(restoreCompletion({ ...lastWait, wokenBy: 'event', announcedAt: '2026-12-07T09:45:00.000Z' }).resolutionSeconds).toBe(900);
    expect(restoreCompletion({ ...lastWait, wokenBy: 'event', announcedAt: 'yesterday' }).resolutionSeconds).toBe(900);
    expect(restoreCompletion({ ...lastWait, wokenBy: 'event', announcedAt: '2026-12-06T09:40:10.000Z' }).resolutionSeconds).toBe(900);
    expect(restoreCompletion({ ...lastWait, wokenBy: 'timeout', announcedAt: '2026-12-07T09:40:08.000Z' }).resolutionSeconds).toBe(900);
    expect(restoreCompletion({ ...lastWait, wokenBy: 'look' })).toEqual({ completedAt: seenAt, completedAtFrom: 'look', resolutionSeconds: 900 });
  });
});
