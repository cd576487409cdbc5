import { copyFileSync, writeFileSync } from 'node:fs';
import { readFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions } from 'esbuild';

/*
 * The console's one build: `npm run build` writes it to console/dist (what lib/console-stack.ts uploads), and the
 * local stack builds it in memory on the first request to /console/ (no build step before `npm start`).
 */

const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST_DIR = join(CONSOLE_DIR, 'dist');

/** The console's files by path under its root (`index.html`, `app.js`, `app.css`): everything it serves, nothing from a CDN. */
export type ConsoleFiles = ReadonlyMap<string, Buffer>;

const OPTIONS = {
  entryPoints: { app: join(CONSOLE_DIR, 'src/main.tsx'), style: join(CONSOLE_DIR, 'src/style.css') },
  bundle: true,
  write: false,
  outdir: '/console',
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(CONSOLE_DIR, 'tsconfig.json'),
  logLevel: 'silent',
  legalComments: 'none',
} as const satisfies BuildOptions;

/** esbuild's outputs by the names index.html loads them by. */
const namesOf = (outputFiles: ReadonlyArray<{ path: string; contents: Uint8Array }>): Map<string, Buffer> =>
  new Map(outputFiles.map((file) => [file.path.replace(/^\/console\//, '').replace(/^style\.css$/, 'app.css'), Buffer.from(file.contents)]));

/** Bundles the app (Preact, minified, for the browsers of today) and adds its page. */
export async function buildConsoleFiles(): Promise<ConsoleFiles> {
  const files = namesOf((await build(OPTIONS)).outputFiles);
  files.set('index.html', await readFile(join(CONSOLE_DIR, 'index.html')));
  return files;
}

/** The same build, synchronously into `outDir` (CDK's local bundling of the console asset runs inside synth). */
export function writeConsoleFilesSync(outDir: string): void {
  for (const [name, content] of namesOf(buildSync(OPTIONS).outputFiles)) writeFileSync(join(outDir, name), content);
  copyFileSync(join(CONSOLE_DIR, 'index.html'), join(outDir, 'index.html'));
}

/** Writes the build to console/dist, replacing what was there. */
export async function writeConsoleDist(outDir = CONSOLE_DIST_DIR): Promise<string[]> {
  const files = await buildConsoleFiles();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(outDir, name), content);
  return [...files.keys()];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = await writeConsoleDist();
  console.log(`console built into ${CONSOLE_DIST_DIR}: ${names.join(', ')}`);
}
