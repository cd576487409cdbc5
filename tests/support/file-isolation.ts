import { afterAll, vi } from 'vitest';

/*
 * Integration files share worker processes (isolate: false) so node_modules (the AWS SDK, the engines) load once per
 * worker; what each file must not inherit is reset here: our own modules are evaluated afresh (their SDK clients read
 * this file's stack endpoints, their caches start empty), and process.env is put back as the file found it.
 */
vi.resetModules();
const environmentAtStart = { ...process.env };
afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environmentAtStart)) delete process.env[name];
  Object.assign(process.env, environmentAtStart);
});
