/*
 * Writes tests/support/file-costs.json from the files of one or more full runs made with IRDR_TEST_CPU_PROFILE=FILE
 * (tests/support/cpu-profile.ts): each test file's mean wall and CPU seconds, which the sequencer orders files by.
 * Usage, after quiet runs: node tests/support/record-file-costs.ts RUN.jsonl [RUN.jsonl ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface ProfiledFile {
  readonly file: string;
  readonly wall: number;
  readonly cpu: number;
}

const runs = process.argv.slice(2);
if (runs.length === 0) throw new Error('usage: node tests/support/record-file-costs.ts RUN.jsonl [RUN.jsonl ...]');
const seen = new Map<string, ProfiledFile[]>();
for (const run of runs) {
  for (const line of readFileSync(run, 'utf8').split('\n').filter(Boolean)) {
    const profiled = JSON.parse(line) as ProfiledFile;
    seen.set(profiled.file, [...(seen.get(profiled.file) ?? []), profiled]);
  }
}
const mean = (values: number[]) => Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10;
const costs = Object.fromEntries(
  [...seen]
    .map(([file, profiled]) => [file, { wall: mean(profiled.map((one) => one.wall)), cpu: mean(profiled.map((one) => one.cpu)) }] as const)
    .sort(([a, first], [b, second]) => second.wall - first.wall || (a < b ? -1 : 1)),
);
writeFileSync(new URL('./file-costs.json', import.meta.url), `${JSON.stringify(costs, null, 2)}\n`);
console.info(`${Object.keys(costs).length} files from ${runs.length} run(s)`);
