import { constants } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DigestProblem, StoredDigest } from '../domain/evidence/digest.js';
import { s3 } from './s3-client.js';

/** Write-once storage for evidence digests: a put never replaces what is there. */
export interface DigestStore {
  /** Where the digests are, for messages (s3://… or file://…). */
  readonly location: string;
  put(digest: StoredDigest): Promise<void>;
  /** Every digest's name, oldest first (names sort by time), and any sign that one was written over or hidden. */
  list(): Promise<DigestListing>;
  /** The digest as first written (in S3, its oldest version: what Object Lock keeps, whatever was put over it). */
  get(name: string): Promise<StoredDigest>;
}

export interface DigestListing {
  readonly names: string[];
  /** A digest key with a second version or a delete marker: someone put over it or hid it (the store was written once). */
  readonly problems: DigestProblem[];
}

export class DigestExistsError extends Error {}

/**
 * One value names the store (EVIDENCE_DIGEST_STORE): `s3://bucket[/prefix]` in AWS, where the bucket's Object Lock
 * (compliance mode) makes objects unchangeable even by the account's root; `file:///dir` for the local stack's own
 * digests (a folder of read-only files). The S3 store runs against the local S3, which has Object Lock, in tests.
 */
export function digestStoreAt(location: string): DigestStore {
  const url = new URL(location);
  if (url.protocol === 's3:') return new S3DigestStore(location, url.host, url.pathname.replace(/^\/+|\/+$/g, ''));
  if (url.protocol === 'file:') return new FolderDigestStore(location, fileURLToPath(url));
  throw new TypeError(`digest store ${location}: use s3://<bucket>[/<prefix>] or file:///<folder>`);
}

class S3DigestStore implements DigestStore {
  /** Each digest's first version, from the last listing. */
  private readonly firstVersions = new Map<string, string>();

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

  /**
   * Lists every version and delete marker, not the latest objects: compliance mode lets a writer put a new version over
   * a digest or hide it behind a delete marker, and a verifier reading latest versions would read the forgery.
   */
  async list(): Promise<DigestListing> {
    const listPrefix = this.key('digests/');
    const nameOf = (key: string): string => key.slice(listPrefix.length - 'digests/'.length);
    const versions = new Map<string, string[]>();
    const deleteMarkers = new Map<string, number>();
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: listPrefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      // S3 lists a key's versions newest first: the last one seen is the one first written.
      for (const version of page.Versions ?? []) if (version.Key && version.VersionId) versions.set(nameOf(version.Key), [...(versions.get(nameOf(version.Key)) ?? []), version.VersionId]);
      for (const marker of page.DeleteMarkers ?? []) if (marker.Key) deleteMarkers.set(nameOf(marker.Key), (deleteMarkers.get(nameOf(marker.Key)) ?? 0) + 1);
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);

    const problems: DigestProblem[] = [];
    for (const [name, ids] of versions) {
      this.firstVersions.set(name, ids.at(-1)!);
      if (ids.length > 1) problems.push({ name, expected: 'one version, written once', found: `${ids.length} versions: something was put over it (the first written is read)` });
    }
    for (const [name, count] of deleteMarkers) {
      problems.push({ name, expected: 'no delete marker', found: `${count} delete marker${count > 1 ? 's' : ''}${versions.has(name) ? ' hiding it (its first version is read)' : ' and no version left'}` });
    }
    return { names: [...versions.keys()].sort(), problems: problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  }

  async get(name: string): Promise<StoredDigest> {
    const object = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name), VersionId: this.firstVersions.get(name) }));
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

  /** A folder keeps no versions: a rewritten file shows only through the digest chain and its signatures. */
  async list(): Promise<DigestListing> {
    let entries: string[];
    try {
      entries = await readdir(join(this.folder, 'digests'), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { names: [], problems: [] };
      throw error;
    }
    const names = entries
      .filter((entry) => entry.endsWith('.json'))
      .map((entry) => relative(this.folder, join(this.folder, 'digests', entry)).split(sep).join('/'))
      .sort();
    return { names, problems: [] };
  }

  async get(name: string): Promise<StoredDigest> {
    return { name, bytes: await readFile(join(this.folder, name)) };
  }
}
