import { pathToFileURL } from 'node:url';
import type { BenchFigure } from './figure.js';

/** The q-quantile (0..1) of the samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** Smaller samples for a quick run (IRDR_BENCH_QUICK=1, or `npm run bench -- --quick`). */
export const quick = (): boolean => process.env.IRDR_BENCH_QUICK === '1';
export const sampleSize = (full: number, quickSize: number): number => (quick() ? quickSize : full);

/** Whether the module is the script node was started with (each bench also runs alone). */
export const isMain = (moduleUrl: string): boolean => process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === moduleUrl;

const format = (value: number | undefined, digits = 2): string =>
  value === undefined ? '' : Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : digits);

/** One table of figures, for a person reading the terminal. */
export function printFigures(figures: readonly BenchFigure[]): void {
  const rows = figures.map((figure) => ({
    bench: figure.bench,
    figure: figure.name,
    value: `${format(figure.value)} ${figure.unit}`,
    baseline: figure.baseline ? `${figure.baseline.name}: ${format(figure.baseline.value)}` : '',
    ratio: figure.ratio === undefined ? '' : `${format(figure.ratio)}x`,
    note: figure.note ?? '',
  }));
  const columns = ['bench', 'figure', 'value', 'baseline', 'ratio', 'note'] as const;
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}

/** Runs a bench alone when its module is the entry point: prints its figures (one JSON line for bench/run-all.ts). */
export async function runIfMain(moduleUrl: string, bench: () => Promise<BenchFigure[]>): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const figures = await bench();
  if (process.env.IRDR_BENCH_JSON === '1') console.log(JSON.stringify(figures));
  else printFigures(figures);
}
