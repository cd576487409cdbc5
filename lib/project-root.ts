import { fileURLToPath } from 'node:url';

/** The checkout's root: registry entries and the lock file are relative to it, wherever `cdk` is run from. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
