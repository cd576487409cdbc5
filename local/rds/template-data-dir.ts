import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';

/*
 * The empty data directory every new local database starts from, as initdb makes it: initdb in WASM costs ~6 CPU-s,
 * so it is made once per machine (per PGlite version and these options) and kept beside the installed packages;
 * postgres-engine.ts keeps it once per process, as a snapshot.
 */

/** WAL segments of 1 MB, not Postgres's 16: every data directory carries its current segment whole. */
const INITDB_OPTIONS = ['--wal-segsize=1'];

/**
 * Old WAL segments are removed at a checkpoint rather than renamed into future ones, and at most 2 MB are kept: a
 * data directory then carries ~1-2 segments, not 7 (each start, dump and restore moved 31 MB, now ~24).
 */
const WAL_SETTINGS = { wal_recycle: 'off', min_wal_size: '2MB' } as const;

const PGDATA = '/pglite/data';

/** The template's tar, read from the machine's cache or made (and cached); the caller keeps what it needs of it. */
export async function templateDataDirTar(pglite: typeof PGlite): Promise<Uint8Array> {
  const file = await cacheFile();
  const cached = await readFile(file).catch(() => undefined);
  if (cached !== undefined && cached.byteLength > 0) return cached;
  const tar = new Uint8Array(await (await initialized(pglite)).arrayBuffer());
  // Written whole then renamed, so a process reading it never sees half a file; a machine that cannot write makes it again next time.
  const temporary = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true })
    .then(() => writeFile(temporary, tar))
    .then(() => rename(temporary, file))
    .catch(() => rm(temporary, { force: true }));
  return tar;
}

async function initialized(pglite: typeof PGlite): Promise<Blob> {
  const template = await pglite.create({ initDbStartParams: INITDB_OPTIONS });
  try {
    for (const [name, value] of Object.entries(WAL_SETTINGS)) await template.query(`ALTER SYSTEM SET ${name} = '${value}'`);
    const { segment } = (await template.query<{ segment: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS segment')).rows[0]!;
    // initdb leaves segments made ahead of the write position (recycled): Postgres makes them again when it needs them.
    const fs = template.Module.FS;
    for (const name of fs.readdir(`${PGDATA}/pg_wal`)) {
      if (/^[0-9A-F]{24}$/.test(name) && name > segment) fs.unlink(`${PGDATA}/pg_wal/${name}`);
    }
    return await template.dumpDataDir('none');
  } finally {
    await template.close();
  }
}

/** node_modules/.cache/irdr/pglite-template-<version and options>.tar, beside the PGlite that made it. */
async function cacheFile(): Promise<string> {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const packageRoot = join(dirname(entry), '..');
  const { version } = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const key = createHash('sha256').update(JSON.stringify({ version, INITDB_OPTIONS, WAL_SETTINGS })).digest('hex').slice(0, 16);
  return join(packageRoot, '..', '..', '.cache', 'irdr', `pglite-template-${key}.tar`);
}
