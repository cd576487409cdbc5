import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RESERVED_LOG_KEYS } from '../../functions/aws/powertools.js';

/*
 * Powertools' Logger drops a log attribute named like one of the keys it writes itself, and logs
 * `The key "level" is a reserved key and will be dropped` instead: the value is lost from the logs. The handlers'
 * logger (functions/aws/powertools.ts) is typed so that the type check refuses such an attribute, given directly or
 * through a spread (tests/unit/support/reserved-logger-key-probe.ts holds it: npm test's tsc fails if it stops refusing).
 * Here: that the typed list covers what Powertools drops, and that every handler logs through that logger.
 */

const root = join(import.meta.dirname, '..', '..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

/** What a logger writes (info to stdout, warnings to stderr), one parsed entry per line. */
function capturedEntries(log: (logger: Logger) => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(...String(chunk).split('\n').filter((line) => line.trim() !== ''));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  log(new Logger({ serviceName: 'probe', logLevel: 'DEBUG' }));
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('what the handlers hand the Powertools logger', () => {
  it('the typed list of reserved keys holds every key Powertools itself reserves (read from the installed Powertools)', async () => {
    const entry = createRequire(import.meta.url).resolve('@aws-lambda-powertools/logger');
    // Its package exports no constants module: read the installed file itself, as the Logger does.
    const constants = (await import(pathToFileURL(join(dirname(entry), '..', 'esm', 'constants.js')).href)) as { ReservedKeys: string[] };
    expect(constants.ReservedKeys.length).toBeGreaterThan(0);
    expect(constants.ReservedKeys.filter((key) => !(RESERVED_LOG_KEYS as readonly string[]).includes(key))).toEqual([]);
  });

  it('Powertools does drop a reserved key and keeps another one, as the type assumes', () => {
    const entries = capturedEntries((logger) => logger.info('escalated', { level: 2, escalationLevel: 2 }));
    const escalated = entries.find((entry) => entry.message === 'escalated');
    expect(escalated).toMatchObject({ level: 'INFO', escalationLevel: 2 });
    expect(entries.some((entry) => String(entry.message).includes('"level" is a reserved key'))).toBe(true);
  });

  it('every handler logs through the typed logger: no other file of functions/ makes a Powertools logger', () => {
    const direct = sourceFiles(join(root, 'functions'))
      .filter((file) => readFileSync(file, 'utf8').includes("from '@aws-lambda-powertools/logger'"))
      .map((file) => relative(root, file));
    expect(direct).toEqual(['functions/aws/powertools.ts']);
  });
});
