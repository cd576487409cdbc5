import { describe, expect, it } from 'vitest';
import { ExportRequest, exportMonths, exportView, failureReason, newExportId, EXPORT_ID_PATTERN } from '../../functions/domain/evidence/export-job.js';
import { refusedPathParameter } from '../../functions/domain/path-parameters.js';
import { progressBar } from '../../bin/remote-export-command.js';
import { readInOrder } from '../../functions/domain/read-in-order.js';

describe('an export period and its months', () => {
  it('cuts a year into its twelve calendar months, oldest first, each [from, to)', () => {
    const months = exportMonths({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    expect(months.map(({ month }) => month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    // Each month ends where the next begins: no instant read twice or skipped.
    for (const [index, month] of months.entries()) if (index > 0) expect(month.from).toBe(months[index - 1]!.to);
    expect(months.at(-1)!.to).toBe('2026-01-01T00:00:00.000Z');
  });

  it('clips the first and last month to the period, and gives one month for a period inside one', () => {
    expect(exportMonths({ from: '2025-01-15T10:00:00.000Z', to: '2025-03-02T00:00:00.000Z' })).toEqual([
      { month: '2025-01', from: '2025-01-15T10:00:00.000Z', to: '2025-02-01T00:00:00.000Z' },
      { month: '2025-02', from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' },
      { month: '2025-03', from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' },
    ]);
    expect(exportMonths({ from: '2024-02-10T00:00:00.000Z', to: '2024-02-11T00:00:00.000Z' })).toEqual([{ month: '2024-02', from: '2024-02-10T00:00:00.000Z', to: '2024-02-11T00:00:00.000Z' }]);
    // A period that ends exactly at a month's start does not read that month.
    expect(exportMonths({ from: '2024-12-31T23:00:00.000Z', to: '2025-01-01T00:00:00.000Z' }).map(({ month }) => month)).toEqual(['2024-12']);
  });

  it('refuses an inverted, an empty, an unbounded or a decades-long period, and anything beside from and to', () => {
    const issues = (body: unknown) => (ExportRequest.safeParse(body).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toEqual(['to: from must be before to']);
    expect(issues({ from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toEqual(['to: from must be before to']);
    expect(issues({ from: '2025-01-01T00:00:00Z' })).toHaveLength(1);
    expect(issues({ to: '2025-01-01T00:00:00Z' })).toHaveLength(1);
    expect(issues({ from: 'yesterday', to: '2025-01-01T00:00:00Z' })[0]).toMatch(/^from: an ISO 8601 time/);
    expect(issues({ from: '1990-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toEqual(['to: the period may span at most 3660 days; export a longer one in parts']);
    expect(issues({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', tableName: 'someone-elses' })).toHaveLength(1);
    expect(ExportRequest.parse({ from: '2025-01-01T01:00:00+01:00', to: '2025-02-01T00:00:00Z' })).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' });
  });
});

describe('an export id', () => {
  it('is ex- and 32 hex digits; the path refuses anything else before a handler runs', () => {
    const id = newExportId('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(id).toBe('ex-0f8fad5bd9cb469fa16570867728950e');
    expect(EXPORT_ID_PATTERN.test(id)).toBe(true);
    expect(refusedPathParameter({ exportId: id })).toBeUndefined();
    for (const hostile of ['PERIOD#2025-01-01T00:00:00.000Z#2026-01-01T00:00:00.000Z', '../ex-0f8f', `ex-${'A'.repeat(32)}`, `ex-${'0'.repeat(33)}`]) {
      expect(refusedPathParameter({ exportId: hostile })?.message, hostile).toMatch(/an export id is ex- and 32 hex digits/);
    }
  });
});

describe('how an export ended, as its record says', () => {
  it("takes a Lambda error's message out of the Cause Step Functions gives, and keeps a plain Cause as it is", () => {
    expect(failureReason({ Error: 'InjectedFault', Cause: JSON.stringify({ errorType: 'InjectedFault', errorMessage: 'told to fail', trace: [] }) })).toBe('InjectedFault: told to fail');
    expect(failureReason({ Error: 'States.Timeout', Cause: 'Task timed out after 900.00 seconds' })).toBe('States.Timeout: Task timed out after 900.00 seconds');
    expect(failureReason(undefined)).toBe('Error: ');
    expect(failureReason({ Error: 'X', Cause: 'y'.repeat(5_000) })).toHaveLength(1_000);
  });

  it('shows a zip and a link-worthy state only for a completed export', () => {
    const running = { exportId: newExportId('0f8fad5b-d9cb-469f-a165-70867728950e'), period: { from: 'a', to: 'b' }, requestedBy: 'arn', requestedAt: 't', status: 'running' as const, months: 12, monthsDone: { '2026-01': 40, '2026-02': 0, '2026-03': 80 } };
    expect(exportView(running)).toEqual({ exportId: running.exportId, period: running.period, status: 'running', requestedBy: 'arn', requestedAt: 't', progress: { monthsCollected: 3, months: 12, eventsCollected: 120 } });
    expect(exportView({ ...running, status: 'failed', failure: 'KMS: AccessDenied' })).toMatchObject({ status: 'failed', failure: 'KMS: AccessDenied' });
    expect(exportView({ ...running, status: 'failed', failure: 'x' })).not.toHaveProperty('zip');
  });

  it('draws progress as a bar of months', () => {
    expect(progressBar({ monthsCollected: 6, months: 12, eventsCollected: 41_250 }, 10)).toBe('[#####-----] 6/12 months, 41,250 events');
    expect(progressBar({ monthsCollected: 0, months: 0, eventsCollected: 0 }, 4)).toBe('[####] 0/0 months, 0 events');
  });
});

describe('reading trails a few at a time', () => {
  const later = <T>(value: T, ticks: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ticks));

  it('keeps the items order whatever order the reads end in, with at most the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const ends: number[] = [];
    const results = await readInOrder(
      [5, 1, 4, 2, 3, 0],
      3,
      async (item) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const value = await later(item * 10, item);
        inFlight -= 1;
        return value;
      },
      (done) => ends.push(done),
    );
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(3);
    expect(ends).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readInOrder([], 3, async () => 1, () => undefined)).toEqual([]);
  });

  it('stops starting reads once progress throws (GET /evidence out of time), and rejects with that error', async () => {
    const started: number[] = [];
    const outOfTime = new Error('out of time');
    const reading = readInOrder(
      Array.from({ length: 20 }, (_, index) => index),
      2,
      async (item) => {
        started.push(item);
        return later(item, 1);
      },
      (done) => {
        if (done === 1) throw outOfTime;
      },
    );
    await expect(reading).rejects.toBe(outOfTime);
    await later(undefined, 20);
    expect(started.length).toBeLessThanOrEqual(3);
  });
});
