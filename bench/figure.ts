/**
 * What every benchmark reports. Machines here are noisy, so a figure that is a speed is given beside a baseline
 * measured in the same run, and read as the ratio of the two.
 */
export interface BenchFigure {
  /** Which benchmark, e.g. `incident-to-email`. */
  readonly bench: string;
  /** What was measured, e.g. `p95`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same work done by the baseline in this run, when the figure is a comparison. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline.value. */
  readonly ratio?: number;
  /** One line a reader needs to trust the figure (sample size, workload, assumption). */
  readonly note?: string;
}

/** A benchmark module: `bench/run-all.ts` runs each and prints one table; each also runs alone with `npx tsx`. */
export type Bench = () => Promise<BenchFigure[]>;

export const compared = (figure: Omit<BenchFigure, 'ratio'> & { baseline: { name: string; value: number } }): BenchFigure => ({
  ...figure,
  ratio: figure.baseline.value === 0 ? Number.NaN : figure.value / figure.baseline.value,
});
