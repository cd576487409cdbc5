// npm test: the type check and the test files side by side, not one after the other. tsc (TypeScript 7, native) is
// ~9 CPU-s cold, ~5 warm, mostly while the first test files start their stacks; either failing fails the command.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

/** `lowest`: the process takes only cores the tests leave idle (they wait on timers and local services much of the run). */
const run = (command, args, { lowest = false } = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    if (lowest && child.pid !== undefined) setPriority(child.pid, 19);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

// Incremental: what tsc learnt of unchanged files (most of it aws-cdk-lib's types) is kept between runs, ~9 -> ~5 CPU-s.
// Single-threaded: the tests keep both cores busy, and tsc's checker threads only add CPU (11.5 -> 8.2 user-s cold).
const buildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc.tsbuildinfo', import.meta.url));
const consoleBuildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc-console.tsbuildinfo', import.meta.url));
// The console (browser code: DOM types, Preact's JSX) is its own project: console/tsconfig.json.
const typecheckAll = async () =>
  (await Promise.all([
    run('tsc', ['--noEmit', '--singleThreaded', '--incremental', '--tsBuildInfoFile', buildInfo], { lowest: true }),
    run('tsc', ['-p', 'console', '--noEmit', '--singleThreaded', '--incremental', '--tsBuildInfoFile', consoleBuildInfo], { lowest: true }),
  ])).find((code) => code !== 0) ?? 0;
const [typecheck, tests] = await Promise.all([
  typecheckAll(),
  run('vitest', ['run', ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error('npm test: the type check failed (tsc --noEmit, tsc -p console), see above');
process.exit(typecheck || tests);
