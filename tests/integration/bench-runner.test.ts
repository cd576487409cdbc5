import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const outdir = mkdtempSync(join(tmpdir(), 'irdr-bench-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// The runner end to end on its cheapest bench, so `npm run bench` cannot rot unseen (figures are read, never timed).
describe('npm run bench', () => {
  it('runs the selected benches in their own processes and writes their figures with the machine', async () => {
    const out = join(outdir, 'results.json');
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/run-all.ts'), '--quick', '--only', 'verify-throughput', '--out', out]);
    expect(stdout).toContain('verify-throughput');
    const results = JSON.parse(readFileSync(out, 'utf8')) as { quick: boolean; machine: { cores: number }; figures: Array<{ bench: string; name?: string; unit?: string; value: number; ratio?: number; baseline?: { value: number } }> };
    expect(results.quick).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    // verify-throughput gives four figures: verifyChain, the library's path, against one-shot SHA-256, and incremental verify.
    expect(results.figures.map((figure) => figure.bench)).toEqual(Array(4).fill('verify-throughput'));
    for (const figure of results.figures) {
      expect(Number.isFinite(figure.value) && figure.value > 0, JSON.stringify(figure)).toBe(true);
      if (figure.baseline) expect(figure.ratio).toBeCloseTo(figure.value / figure.baseline.value, 6);
    }
    expect(results.figures.find((figure) => figure.name === 'verifyChain')).toMatchObject({ unit: 'events/s' });
  });

  it('names the benches it knows when asked for one it does not', async () => {
    const failure = await promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/run-all.ts'), '--only', 'nope']).catch((error: { stderr: string }) => error);
    expect((failure as { stderr: string }).stderr).toMatch(/unknown bench nope; choose from verify-throughput, cold-start/);
  });
});
