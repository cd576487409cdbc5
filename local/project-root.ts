import { fileURLToPath } from 'node:url';

/** The project's root folder, where the registry's entry paths start. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
