import { decideRestoredCleanup } from '../../../domain/drill/cleanup-guard.js';
import type { RestoreHandle, RestoredCleanupResult } from '../../../domain/drill/restore.js';

/** Whether a restored resource is there and usable, as its own service describes it. */
export type Availability =
  | { readonly state: 'available' }
  | { readonly state: 'pending'; readonly detail: string }
  | { readonly state: 'gone' }
  | { readonly state: 'failed'; readonly reason: string };

/** What a drill does with one type's restored resource, by its ARN (AWS Backup's CreatedResourceArn). */
export interface RestoredResourceOps {
  /** Described as available (EFS `available`, EBS `available`, EC2 `running`, an S3 bucket that answers). */
  availability(arn: string): Promise<Availability>;
  /** Puts these tags on it (and on what it owns that cleanup deletes too, e.g. an instance's volumes). */
  tag(arn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes it in the type's order, only what the cleanup guard allows; WAITING while a step is still under way. */
  cleanUp(arn: string, guard: CleanupGuard, runId: string): Promise<RestoredCleanupResult>;
}

/** The guard for one run, given a resource's name (own name or Name tag) and tags: undefined if allowed, else why not. */
export type CleanupGuard = (resource: { readonly arn: string; readonly name: string | undefined; readonly tags: Readonly<Record<string, string>> }) => string | undefined;

/** The guard of the run that made `handle`: drill prefix, not the source, this run's tag. */
export function cleanupGuardFor(handle: RestoreHandle, runId: string): CleanupGuard {
  return ({ arn, name, tags }) => {
    const decision = decideRestoredCleanup({ restored: { type: handle.restored.type, name, arn }, tags, runId, source: handle.source });
    return decision.allowed ? undefined : decision.reason;
  };
}

/** `[{Key, Value}]` as a record, skipping incomplete pairs. */
export function tagRecord(tags: readonly { readonly Key?: string | undefined; readonly Value?: string | undefined }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined && tag.Value !== undefined) record[tag.Key] = tag.Value;
  return record;
}

export const tagList = (tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The id at the end of an ARN's resource part (`.../fs-1`, `.../vol-1`, `.../i-1`, `arn:aws:s3:::bucket`). */
export const resourceIdOf = (arn: string): string => arn.slice(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);

export const refused = (reason: string): RestoredCleanupResult => ({ status: 'REFUSED', reason, deletedExtras: [] });
export const waiting = (reason: string): RestoredCleanupResult => ({ status: 'WAITING', reason, deletedExtras: [] });
