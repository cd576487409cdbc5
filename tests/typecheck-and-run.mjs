// npm test: the type check and the test files side by side, not one after the other. tsc is ~15 s of one core,
// mostly while the first test files start their stacks; either failing fails the command.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = (command, args) =>
  new Promise((resolve) => {
    spawn(command, args, { stdio: 'inherit' }).on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

// Incremental: what tsc learnt of unchanged files (most of it aws-cdk-lib's types) is kept between runs, ~22 -> ~11 CPU-s.
const buildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc.tsbuildinfo', import.meta.url));
const consoleBuildInfo = fileURLToPath(new URL('../node_modules/.cache/irdr/tsc-console.tsbuildinfo', import.meta.url));
// The console (browser code: DOM types, Preact's JSX) is its own project: console/tsconfig.json.
const typecheckAll = async () =>
  (await Promise.all([
    run('tsc', ['--noEmit', '--incremental', '--tsBuildInfoFile', buildInfo]),
    run('tsc', ['-p', 'console', '--noEmit', '--incremental', '--tsBuildInfoFile', consoleBuildInfo]),
  ])).find((code) => code !== 0) ?? 0;
const [typecheck, tests] = await Promise.all([
  typecheckAll(),
  run('vitest', ['run', ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error('npm test: the type check failed (tsc --noEmit, tsc -p console), see above');
process.exit(typecheck || tests);
