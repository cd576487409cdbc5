import { vi } from 'vitest';
import './environment-restore.js';

/*
 * Integration files share worker processes (isolate: false) so node_modules (the AWS SDK, the engines) load once per
 * worker; what each file must not inherit is reset here: our own modules are evaluated afresh (their SDK clients read
 * this file's stack endpoints, their caches start empty), and process.env is put back as the file found it.
 */
vi.resetModules();
