import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

/*
 * IRDR_TEST_CPU_PROFILE=FILE: each test file's CPU seconds (its worker process plus the children it waited for, from
 * /proc/self/stat) appended to FILE as JSON lines — where the suite's cores go, which wall durations hide.
 */
const ticks = (): number => {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command: utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 here.
  return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
};
const out = process.env['IRDR_TEST_CPU_PROFILE'];
// From when the file's setup runs, so its imports count too.
const started = ticks();
const startedAt = performance.now();
const startedAtEpoch = Date.now();
afterAll(() => {
  if (out === undefined) return;
  const file = expect.getState().testPath ?? 'unknown';
  // workerCpu: what this worker process had spent before this file's setup (its boot and earlier files).
  appendFileSync(out, `${JSON.stringify({ file: file.replace(/^.*\/tests\//, 'tests/'), cpu: (ticks() - started) / 100, workerCpu: started / 100, wall: (performance.now() - startedAt) / 1000, start: startedAtEpoch, pid: process.pid })}\n`);
});
