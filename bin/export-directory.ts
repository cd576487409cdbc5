import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, contentBlocks, manifestText, type ExportFile, type ExportManifest } from '../functions/domain/evidence/export-manifest.js';

/** Makes sure the export can go into `directory`: new or empty, so evidence from two runs never mixes. */
export async function prepareExportDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const present = await readdir(directory);
  if (present.length > 0) {
    throw new Error(`${directory} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): export into a new or empty directory`);
  }
}

const WRITE_BLOCK_BYTES = 4 * 1_048_576;

/** Writes the files, then the manifest that lists them; never overwrites a file. */
export async function writeExportDirectory(directory: string, files: readonly ExportFile[], manifest: ExportManifest): Promise<void> {
  // A listing is written a few megabytes at a time, never joined whole.
  for (const { name, content } of files) await writeFile(join(directory, name), contentBlocks(content, WRITE_BLOCK_BYTES), { flag: 'wx' });
  await writeFile(join(directory, MANIFEST_FILE), manifestText(manifest), { flag: 'wx' });
}

/** The manifest's text and every other regular file of an export directory, by name. */
export async function readExportDirectory(directory: string): Promise<{ manifestText: string; files: Map<string, Buffer> }> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries) {
    if (entry.isFile() && entry.name !== MANIFEST_FILE) files.set(entry.name, await readFile(join(directory, entry.name)));
  }
  return { manifestText: await readFile(join(directory, MANIFEST_FILE), 'utf8'), files };
}
