import { afterAll } from 'vitest';

/* process.env is put back as the file found it: a file's local stack exports its endpoints there for the handlers. */
const environmentAtStart = { ...process.env };
afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environmentAtStart)) delete process.env[name];
  Object.assign(process.env, environmentAtStart);
});
