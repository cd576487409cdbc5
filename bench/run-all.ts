/**
 * `npm run bench`: every benchmark, each in its own process (a local stack per process, as handlers keep their SDK
 * clients for the life of one), one table at the end, and bench/results.json with the machine and the date.
 *
 *   npm run bench                      # every bench, full samples
 *   npm run bench -- --quick           # smaller samples (the test suite runs it this way)
 *   npm run bench -- --only verify-throughput,run-cost
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import type { BenchFigure } from './figure.js';
import { printFigures } from './stats.js';

/** Every bench, in the order they run (`bench/<name>.ts`, each exporting `bench`). */
export const BENCHES = ['verify-throughput', 'cold-start', 'incident-to-email', 'concurrent-incidents', 'run-cost', 'drill-polling', 'validation-scale', 'export-year', 'orchestration-overhead', 'bundle-size', 'console-board'] as const;

const program = new Command('bench')
  .option('--quick', 'smaller samples', false)
  .option('--only <names>', `comma-separated, of: ${BENCHES.join(', ')}`)
  .option('--out <file>', 'where to write the results', join(import.meta.dirname, 'results.json'))
  .parse(process.argv);
const flags = program.opts<{ quick: boolean; only?: string; out: string }>();
const selected = flags.only ? flags.only.split(',').map((name) => name.trim()) : [...BENCHES];
const unknown = selected.filter((name) => !(BENCHES as readonly string[]).includes(name));
if (unknown.length > 0) program.error(`unknown bench ${unknown.join(', ')}; choose from ${BENCHES.join(', ')}`);

const figures: BenchFigure[] = [];
const runs: Array<{ bench: string; seconds: number }> = [];
for (const name of selected) {
  process.stderr.write(`bench ${name}${flags.quick ? ' (quick)' : ''}...\n`);
  const started = performance.now();
  // tsx runs the bench module alone; IRDR_BENCH_JSON makes it print its figures as one JSON line.
  const { stdout } = await promisify(execFile)(process.execPath, [join(import.meta.dirname, '../node_modules/tsx/dist/cli.mjs'), join(import.meta.dirname, `${name}.ts`)], {
    env: { ...process.env, IRDR_BENCH_JSON: '1', ...(flags.quick && { IRDR_BENCH_QUICK: '1' }) },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  figures.push(...(JSON.parse(line) as BenchFigure[]));
  runs.push({ bench: name, seconds: (performance.now() - started) / 1000 });
}

printFigures(figures);
const machine = { node: process.version, platform: `${platform()} ${release()}`, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism() };
await writeFile(flags.out, `${JSON.stringify({ date: new Date().toISOString(), quick: flags.quick, machine, runs, figures }, null, 2)}\n`);
console.log(`\n${figures.length} figures from ${selected.length} benches written to ${flags.out} (${machine.cores} cores, Node ${machine.node})`);
