/**
 * The counted baseline (the canary writer's count of the source, a tick at a time): one sequential Scan against the
 * count in parallel Scan segments, same run, same table, each tick's reading budget shrunk so that a small table takes
 * many ticks. The figure is the ticks a count takes (in AWS, minutes of the canary's schedule) and its wall time.
 */
import { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { LOCAL_DEDUPLICATION_TABLE_NAME } from '../local/stack-config.js';
import { compared, type BenchFigure } from './figure.js';

/** A tick's reading time (55 s in AWS), shrunk so the carry-over between ticks runs here. */
const TICK_BUDGET_MS = 50;
/** Items per Scan page (DynamoDB's 1 MB holds ~7000 of these): 100, so a table of 10k items is 100 pages, as 100 MB is. */
const PAGE_ITEMS = 100;
const SEGMENTS = 8;

export async function countedBaselineFigures(tableName: string, items: number, backend: string): Promise<BenchFigure[]> {
  const { countSourceTick } = await import('../functions/aws/drill/source-counter.js');
  const count = async (segments: number) => {
    const parsed = DrillPlan.parse({
      id: `bench-counted-${segments}-${items}`, title: 'Bench', owner: 'bench@example.com', schedule: { expression: 'rate(7 days)' },
      source: { type: 'dynamodb-table', tableName: 'bench-orders' }, driver: { type: 'dynamodb-pitr' }, targets: { rtoMinutes: 60, rpoMinutes: 15 },
      checks: [{ type: 'item-count', baseline: 'counted', segments }, { type: 'canary', key: { pk: 'irdr-canary' } }], recipients: { roles: ['commander'] }, controls: ['SOC2 A1.3'],
    });
    // The bench's table carries the drill prefix, which a plan's source may not: named after parsing.
    const plan = { ...parsed, source: { type: 'dynamodb-table' as const, tableName } };
    const started = performance.now();
    for (let ticks = 1; ; ticks += 1) {
      const [tick] = await countSourceTick(plan, LOCAL_DEDUPLICATION_TABLE_NAME, TICK_BUDGET_MS, { pageItems: PAGE_ITEMS });
      if (tick?.finished) {
        if (tick.finished.count !== items) throw new Error(`${tableName}: counted ${tick.finished.count} of ${items} in ${segments} segments`);
        return { ticks, seconds: (performance.now() - started) / 1000 };
      }
    }
  };
  const sequential = await count(1);
  const parallel = await count(SEGMENTS);
  const note = `${items} items, ${backend} DynamoDB, ${TICK_BUDGET_MS} ms of reading a tick, pages of ${PAGE_ITEMS} items; sequential: ${sequential.ticks} ticks in ${sequential.seconds.toFixed(2)} s`;
  return [
    compared({ bench: 'validation-scale', name: `${items} items: counted baseline, ticks in ${SEGMENTS} segments`, value: parallel.ticks, unit: 'ticks', baseline: { name: 'one sequential scan, ticks', value: sequential.ticks }, note }),
    compared({ bench: 'validation-scale', name: `${items} items: counted baseline, wall time in ${SEGMENTS} segments`, value: parallel.seconds, unit: 's', baseline: { name: 'one sequential scan', value: sequential.seconds }, note }),
  ];
}
