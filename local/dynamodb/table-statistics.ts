import type { CallerScope } from './backend.js';
import { scanAll, type FrontContext } from './front-context.js';
import { itemSizeBytes } from './items.js';

/*
 * DescribeTable's ItemCount and TableSizeBytes. AWS refreshes them about every 6 hours; dynalite never does (always 0),
 * which would hold every drill's count to 0. The front counts a table when asked and keeps the count until a write
 * through the front (or a create, delete or restore) changes the table: locally exact, where AWS is up to 6 hours old.
 */
interface Statistics {
  readonly itemCount: number;
  readonly sizeBytes: number;
}

/** Per front (keyed by its journal, which every copy of its context shares): table → its last count. */
const countsByFront = new WeakMap<object, Map<string, Statistics>>();

const countsOf = (context: FrontContext): Map<string, Statistics> => {
  let counts = countsByFront.get(context.journal);
  if (!counts) countsByFront.set(context.journal, (counts = new Map()));
  return counts;
};

/** A write, create, delete or restore changed these tables: their next DescribeTable counts again. */
export function tablesChanged(context: FrontContext, tableNames: Iterable<string>): void {
  const counts = countsOf(context);
  for (const tableName of tableNames) counts.delete(tableName);
}

/** ItemCount and TableSizeBytes of the table now; a table being restored is counted afresh each time (the restore writes behind the front). */
export async function tableStatistics(context: FrontContext, tableName: string, scope: CallerScope): Promise<Statistics> {
  const counts = countsOf(context);
  const kept = counts.get(tableName);
  if (kept) return kept;
  const items = await scanAll(context, tableName, scope);
  const counted = { itemCount: items.length, sizeBytes: items.reduce((sum, item) => sum + itemSizeBytes(item), 0) };
  if (!context.restores.get(tableName)) counts.set(tableName, counted);
  return counted;
}
