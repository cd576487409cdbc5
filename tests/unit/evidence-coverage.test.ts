import { describe, expect, it } from 'vitest';
import { coverage, staleAfterMs } from '../../functions/domain/evidence/coverage.js';

const now = new Date('2026-11-25T12:00:00.000Z');
const weekly = { expression: 'rate(7 days)', timeZone: 'UTC', enabled: true };
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

describe('table coverage by drill plans', () => {
  it('lists uncovered tables first, then stale ones, then covered, each saying why', () => {
    const rows = coverage(
      [
        { name: 'orders', itemCount: 1200 },
        { name: 'sessions', itemCount: 50 },
        { name: 'ledger', itemCount: 30 },
        { name: 'invoices', itemCount: 9 },
        { name: 'archive', itemCount: 3 },
      ],
      [
        { id: 'orders-pitr', sourceTableName: 'orders', schedule: weekly, lastPassedAt: daysAgo(3) },
        { id: 'ledger-pitr', sourceTableName: 'ledger', schedule: weekly, lastPassedAt: daysAgo(20) },
        { id: 'invoices-pitr', sourceTableName: 'invoices', schedule: weekly },
        { id: 'archive-pitr', sourceTableName: 'archive', schedule: { ...weekly, enabled: false }, lastPassedAt: daysAgo(1) },
      ],
      now,
    );
    expect(rows.map((row) => [row.table, row.status, row.why])).toEqual([
      ['sessions', 'uncovered', 'no drill plan restores it'],
      ['archive', 'stale', 'its plans are not scheduled'],
      ['invoices', 'stale', 'its plans have never passed'],
      ['ledger', 'stale', "no pass within twice its plan's interval"],
      ['orders', 'covered', undefined],
    ]);
    expect(rows.at(-1)).toMatchObject({ plans: ['orders-pitr'], lastPassedAt: daysAgo(3), itemCount: 1200 });
  });

  it('allows twice the schedule interval, and at least a day', () => {
    expect(staleAfterMs(weekly, now)).toBe(14 * 86_400_000);
    expect(staleAfterMs({ expression: 'cron(0 3 ? * MON *)', timeZone: 'Europe/London', enabled: true }, now)).toBe(14 * 86_400_000);
    expect(staleAfterMs({ expression: 'rate(1 hour)', timeZone: 'UTC', enabled: true }, now)).toBe(86_400_000);
  });
});
