import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 1000 });
await session.post('Profiler.start');
afterAll(async () => {
  const { profile } = await session.post('Profiler.stop');
  const file = (expect.getState().testPath ?? 'unknown').replace(/^.*\/tests\//, '').replace(/\//g, '_');
  writeFileSync(`${process.env['IRDR_TEST_V8_PROFILE']}/${file}.cpuprofile`, JSON.stringify(profile));
  session.disconnect();
});
