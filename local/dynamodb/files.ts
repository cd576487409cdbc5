import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes a file whole or not at all: a crash mid-write leaves the previous version, never half of the new one. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}

export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The lines of a JSON-lines file; a torn last line (a crash mid-append) is dropped. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const values: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      break;
    }
  }
  return values;
}

export async function appendLines(path: string, values: readonly unknown[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, values.map((value) => JSON.stringify(value) + '\n').join(''), 'utf8');
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function listFiles(directory: string, suffix: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((name) => name.endsWith(suffix)).map((name) => join(directory, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
