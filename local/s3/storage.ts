import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { S3State, type Bucket } from './model.js';

/** Where the local S3 keeps its buckets and object bodies: in memory, or a folder under the data dir. */
export interface S3Storage {
  /** The buckets kept from before (none in memory). */
  load(): Bucket[];
  /** Writes every bucket's metadata; concurrent calls share writes, and each resolves once a write after it ended. */
  save(buckets: readonly Bucket[]): Promise<void>;
  writeBody(blobId: string, body: Buffer): Promise<void>;
  readBody(blobId: string): Promise<Buffer>;
  removeBody(blobId: string): Promise<void>;
}

export function memoryStorage(): S3Storage {
  const bodies = new Map<string, Buffer>();
  return {
    load: () => [],
    save: async () => undefined,
    writeBody: async (blobId, body) => void bodies.set(blobId, body),
    readBody: async (blobId) => {
      const body = bodies.get(blobId);
      if (!body) throw new Error(`object body ${blobId} is missing`);
      return body;
    },
    removeBody: async (blobId) => void bodies.delete(blobId),
  };
}

/** `<dir>/buckets.json` (metadata) and `<dir>/bodies/<blobId>` (one file per object version). */
export function folderStorage(dir: string): S3Storage {
  const stateFile = join(dir, 'buckets.json');
  const bodiesDir = join(dir, 'bodies');
  let written: Promise<void> = Promise.resolve();
  let pending: Promise<void> | undefined;
  let latest: readonly Bucket[] = [];
  const writeState = async (): Promise<void> => {
    pending = undefined;
    const state: S3State = { buckets: latest.map((bucket) => ({ ...bucket, objects: [...bucket.objects.entries()] })) };
    await mkdir(dir, { recursive: true });
    const temporary = `${stateFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(state), { mode: 0o600 });
    await rename(temporary, stateFile);
  };
  return {
    load: () => {
      if (!existsSync(stateFile)) return [];
      let state: S3State;
      try {
        state = S3State.parse(JSON.parse(readFileSync(stateFile, 'utf8')));
      } catch (error) {
        const why = error instanceof z.ZodError ? `at ${error.issues[0]?.path.join('.') ?? 'the top'}: ${error.issues[0]?.message ?? 'not what it writes'}` : (error as Error).message;
        throw new Error(`the local S3's buckets in ${stateFile} are unreadable (${why}): move the file away to start with none`);
      }
      return state.buckets.map((bucket) => ({ ...bucket, objects: new Map(bucket.objects) }));
    },
    save: (buckets) => {
      latest = buckets;
      // A burst of writes (a thousand puts) becomes a few file writes, each of the state as it then is.
      pending ??= written = written.then(writeState, writeState);
      return pending;
    },
    writeBody: async (blobId, body) => {
      await mkdir(bodiesDir, { recursive: true });
      await writeFile(join(bodiesDir, blobId), body, { mode: 0o600 });
    },
    readBody: (blobId) => readFile(join(bodiesDir, blobId)),
    removeBody: (blobId) => rm(join(bodiesDir, blobId), { force: true }),
  };
}
