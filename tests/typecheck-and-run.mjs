// npm test: the type check and the test files side by side, not one after the other. tsc is ~15 s of one core,
// mostly while the first test files start their stacks; either failing fails the command.
import { spawn } from 'node:child_process';

const run = (command, args) =>
  new Promise((resolve) => {
    spawn(command, args, { stdio: 'inherit' }).on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const [typecheck, tests] = await Promise.all([run('tsc', ['--noEmit']), run('vitest', ['run', ...process.argv.slice(2)])]);
if (typecheck !== 0) console.error('npm test: the type check failed (tsc --noEmit), see above');
process.exit(typecheck || tests);
