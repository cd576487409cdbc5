import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY_TRAILS, progressReporter } from '../../bin/export-progress-reporter.js';

/** A stream that records what is written, as a TTY or a pipe. */
function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const passThrough = new PassThrough();
  const chunks: string[] = [];
  passThrough.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream: Object.assign(passThrough, { isTTY }) as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

const run = (isTTY: boolean, total: number): string => {
  const out = stream(isTTY);
  const reporter = progressReporter(out.stream);
  for (let collected = 1; collected <= total; collected += 1) reporter.onProgress({ phase: 'incidents', collected, total, events: collected * 3 });
  reporter.finish();
  return out.text();
};

describe('export progress', () => {
  it('on a pipe: a line every N trails and the last one', () => {
    const lines = run(false, 2 * PROGRESS_EVERY_TRAILS + 1).trimEnd().split('\n');
    expect(lines).toEqual([
      `collecting incidents: ${PROGRESS_EVERY_TRAILS}/101 trails, ${PROGRESS_EVERY_TRAILS * 3} events`,
      `collecting incidents: ${2 * PROGRESS_EVERY_TRAILS}/101 trails, ${2 * PROGRESS_EVERY_TRAILS * 3} events`,
      'collecting incidents: 101/101 trails, 303 events',
    ]);
  });

  it('on a TTY: one line rewritten in place, ended by a newline when done', () => {
    const text = run(true, 3);
    expect(text.split('\n')).toEqual([expect.stringMatching(/^\r\x1b\[2Kcollecting incidents: 1\/3 trails, 3 events\r/), '']);
    expect(text).toMatch(/\r\x1b\[2Kcollecting incidents: 3\/3 trails, 9 events\n$/);
  });
});
