// Runs a TypeScript program of ours as `irdr` runs its CLI: from its bundle, kept until a source changes (bin/launcher-bundle.js).
//   node tests/support/run-bundled.mjs tests/reliability/support/stack-process.ts ARGS…   (the program's path from the project's root)
import { runLauncherBundle } from '../../bin/launcher-bundle.js';

// The program sees its own arguments where it would under `tsx FILE ARGS…`: process.argv[2] on.
const [entry] = process.argv.splice(2, 1);
await runLauncherBundle(undefined, entry);
