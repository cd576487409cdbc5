/*
 * A bucket as it stood at a recovery point, from its version listing (ListObjectVersions): per key, the newest version
 * or delete marker written at or before that moment. No AWS types: the listing is handed in as plain entries.
 */

/** One entry of a version listing, as S3 lists them: a key's entries newest first. */
export interface ListedVersion {
  readonly key: string;
  readonly versionId: string;
  /** ISO 8601. S3 lists whole seconds, so a version written in the recovery point's own second counts as before it. */
  readonly lastModified: string;
  readonly isDeleteMarker: boolean;
  /** Bytes; 0 for a delete marker. */
  readonly size: number;
}

/** The object a key held at the recovery point. */
export interface ObjectAtPoint {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
}

/**
 * Every key that held an object at `recoveryPointAt`, with the version it held, in S3 key order (UTF-8 bytes). A key
 * whose entry then was a delete marker, or that was written only later, held none.
 */
export function objectsAtRecoveryPoint(entries: readonly ListedVersion[], recoveryPointAt: string): ObjectAtPoint[] {
  const point = Date.parse(recoveryPointAt);
  if (Number.isNaN(point)) throw new TypeError(`recovery point ${recoveryPointAt} is not a time`);
  const current = new Map<string, ListedVersion>();
  for (const entry of entries) {
    if (Date.parse(entry.lastModified) > point) continue;
    const chosen = current.get(entry.key);
    // Newest at or before the point; on equal times the one listed first (S3 lists a key's versions newest first).
    if (!chosen || Date.parse(entry.lastModified) > Date.parse(chosen.lastModified)) current.set(entry.key, entry);
  }
  return [...current.values()]
    .filter((entry) => !entry.isDeleteMarker)
    .map(({ key, versionId, size }) => ({ key, versionId, size }))
    .sort((a, b) => compareS3Keys(a.key, b.key));
}

/** S3's key order: by UTF-8 bytes. */
export const compareS3Keys = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
