// npm test: the type check and the test files side by side, not one after the other. tsc is ~15 s of one core,
// mostly while the first test files start their stacks; either failing fails the command.
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

// Incremental: what tsc learnt of unchanged files (most of it aws-cdk-lib's types) is kept between runs, ~22 -> ~11 CPU-s.
const buildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc.tsbuildinfo', import.meta.url));
const consoleBuildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc-console.tsbuildinfo', import.meta.url));
// The console (browser code: DOM types, Preact's JSX) is its own project: console/tsconfig.json.
const typecheckAll = async () =>
  (await Promise.all([
    run('tsc', ['--noEmit', '--incremental', '--tsBuildInfoFile', buildInfo], { lowest: true }),
    run('tsc', ['-p', 'console', '--noEmit', '--incremental', '--tsBuildInfoFile', consoleBuildInfo], { lowest: true }),
  ])).find((code) => code !== 0) ?? 0;
const [typecheck, tests] = await Promise.all([
  typecheckAll(),
  run('vitest', ['run', ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error('npm test: the type check failed (tsc --noEmit, tsc -p console), see above');
process.exit(typecheck || tests);
