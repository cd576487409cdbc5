import { constants } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { StoredDigest } from '../domain/evidence/digest.js';
import { s3 } from './s3-client.js';

/** Write-once storage for evidence digests: a put never replaces what is there. */
export interface DigestStore {
  /** Where the digests are, for messages (s3://… or file://…). */
  readonly location: string;
  put(digest: StoredDigest): Promise<void>;
  /** Every digest's name, oldest first (names sort by time). */
  listNames(): Promise<string[]>;
  get(name: string): Promise<StoredDigest>;
}

export class DigestExistsError extends Error {}

/**
 * One value names the store (EVIDENCE_DIGEST_STORE): `s3://bucket[/prefix]` in AWS, where the bucket's Object Lock
 * (compliance mode) makes objects unchangeable even by the account's root; `file:///dir` locally, where no emulator
 * offers Object Lock and a folder of read-only files is what a laptop has.
 */
export function digestStoreAt(location: string): DigestStore {
  const url = new URL(location);
  if (url.protocol === 's3:') return new S3DigestStore(location, url.host, url.pathname.replace(/^\/+|\/+$/g, ''));
  if (url.protocol === 'file:') return new FolderDigestStore(location, fileURLToPath(url));
  throw new TypeError(`digest store ${location}: use s3://<bucket>[/<prefix>] or file:///<folder>`);
}

class S3DigestStore implements DigestStore {
  constructor(
    public readonly location: string,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  async put({ name, bytes }: StoredDigest): Promise<void> {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          Body: bytes,
          ContentType: 'application/json',
          // Object Lock needs an integrity checksum on every put; SHA-256 also lets an auditor compare with S3's own.
          ChecksumAlgorithm: 'SHA256',
          // A conditional write: never a new version over an existing digest.
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'PreconditionFailed') throw new DigestExistsError(`${this.location}: ${name} exists already`);
      throw error;
    }
  }

  async listNames(): Promise<string[]> {
    const names: string[] = [];
    const listPrefix = this.key('digests/');
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(listPrefix.length - 'digests/'.length));
      token = page.NextContinuationToken;
    } while (token);
    return names.sort();
  }

  async get(name: string): Promise<StoredDigest> {
    const object = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
    if (!object.Body) throw new Error(`${this.location}: ${name} has no body`);
    return { name, bytes: Buffer.from(await object.Body.transformToByteArray()) };
  }
}

class FolderDigestStore implements DigestStore {
  constructor(
    public readonly location: string,
    private readonly folder: string,
  ) {}

  async put({ name, bytes }: StoredDigest): Promise<void> {
    const path = join(this.folder, name);
    await mkdir(dirname(path), { recursive: true });
    try {
      // Exclusive create and read-only: the nearest a folder comes to write-once.
      await writeFile(path, bytes, { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DigestExistsError(`${this.location}: ${name} exists already`);
      throw error;
    }
  }

  async listNames(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(join(this.folder, 'digests'), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.endsWith('.json'))
      .map((entry) => relative(this.folder, join(this.folder, 'digests', entry)).split(sep).join('/'))
      .sort();
  }

  async get(name: string): Promise<StoredDigest> {
    return { name, bytes: await readFile(join(this.folder, name)) };
  }
}
