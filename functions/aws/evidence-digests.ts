import { extendsHead } from '../domain/chain-verify.js';
import type { KeyObject } from 'node:crypto';
import type { ManifestSigner } from '../domain/evidence/export-manifest.js';
import { buildDigest, signDigest, DIGEST_LOOKBACK_DAYS, digestName, sha256Of, verifyDigests, type ChainHead, type DigestChainVerdict, type RefusedHead, type StoredDigest } from '../domain/evidence/digest.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import type { DigestStore } from './digest-store.js';
import { listRunsStartedIn } from './drill/drill-run-store.js';
import { latestEvent, listStoredEventsFrom } from './event-trail.js';
import { listIncidentsOpenedIn } from './incident-store.js';
import type { VerificationPeriod } from './trail-verification.js';

const DAY_MS = 86_400_000;

/** Every incident and drill-run trail opened in the period (month indexes, never a Scan). */
async function listTrailsOpened(tableName: string, period: VerificationPeriod): Promise<Array<{ partitionKey: string; openedAt: string }>> {
  const opened: Array<{ partitionKey: string; openedAt: string }> = [];
  for (const incident of await listIncidentsOpenedIn(tableName, period)) opened.push({ partitionKey: incidentPk(incident.incidentId), openedAt: incident.openedAt });
  for (const run of await listRunsStartedIn(tableName, period)) opened.push({ partitionKey: drillRunPk(run.runId), openedAt: run.startedAt });
  return opened;
}

export interface WrittenDigest {
  readonly location: string;
  readonly name: string;
  readonly sha256: string;
  readonly heads: number;
  /** Trails whose head does not extend the previous digest's: kept at that head, and alarmed. */
  readonly refused: readonly RefusedHead[];
}

/**
 * The newest digest's heads, by trail. It must be one this writer signed: a digest someone else put there (a rewritten
 * head recorded, unsigned or signed by another key) stops the writer rather than being built on.
 */
async function headsRecordedBy(previous: StoredDigest | undefined, signer: ManifestSigner): Promise<Map<string, ChainHead>> {
  if (!previous) return new Map();
  const verdict = verifyDigests([previous], await signer.publicKey());
  if (verdict.problems.length > 0) {
    const why = verdict.problems.map(({ expected, found }) => `expected ${expected}, found ${found}`).join('; ');
    throw new Error(`the newest digest ${previous.name} is not one this writer signed (${why}): find out who wrote it before another is written`);
  }
  // The head as the digest holds it (not which digest recorded it): what a carried head is written as.
  return new Map([...verdict.recordedHeads].map(([partitionKey, held]) => {
    const { openedAt, seq, hash } = held.at(-1)!;
    return [partitionKey, { partitionKey, openedAt, seq, hash }];
  }));
}

/**
 * Writes a digest of every chain head opened within the lookback, linked to the newest digest already stored. A trail
 * the newest digest listed must still extend the head it recorded; one that does not (rewritten, truncated, deleted)
 * is refused: its recorded head is carried forward and the refusal is written down, so a rewrite made between two
 * digests is reported the morning after and never becomes the trusted head.
 */
export async function writeEvidenceDigest(tableName: string, store: DigestStore, signer: ManifestSigner, now: Date = new Date()): Promise<WrittenDigest> {
  const writtenAt = now.toISOString();
  const listsOpenedFrom = new Date(now.getTime() - DIGEST_LOOKBACK_DAYS * DAY_MS).toISOString();
  const { names } = await store.list();
  const newestName = names.at(-1);
  const previous = newestName === undefined ? undefined : await store.get(newestName);
  const recorded = await headsRecordedBy(previous, signer);

  const heads: ChainHead[] = [];
  const refused: RefusedHead[] = [];
  const refuse = (before: ChainHead, found: string): void => {
    refused.push({ partitionKey: before.partitionKey, recorded: { seq: before.seq, hash: before.hash, digest: previous!.name }, found });
    heads.push(before);
  };
  // One millisecond on: a record opened in this very millisecond is listed too.
  for (const { partitionKey, openedAt } of await listTrailsOpened(tableName, { from: listsOpenedFrom, to: new Date(now.getTime() + 1).toISOString() })) {
    const before = recorded.get(partitionKey);
    recorded.delete(partitionKey);
    if (before) {
      const verdict = extendsHead(await listStoredEventsFrom(tableName, partitionKey, before.seq), before);
      if ('head' in verdict) heads.push({ partitionKey, openedAt, ...verdict.head });
      else refuse(before, verdict.found);
      continue;
    }
    const head = await latestEvent(tableName, partitionKey);
    if (head) heads.push({ partitionKey, openedAt, seq: head.seq, hash: head.hash });
  }
  // Listed before, still within the lookback, gone from the month index now.
  for (const before of recorded.values()) {
    if (before.openedAt >= listsOpenedFrom) refuse(before, 'no record in the month index of the table (deleted or moved)');
  }

  const { stored } = await signDigest(buildDigest({ writtenAt, tableName, listsOpenedFrom, heads, previous, refused }), signer);
  await store.put(stored);
  return { location: store.location, name: stored.name, sha256: sha256Of(stored.bytes), heads: heads.length, refused };
}

/**
 * The digests that vouch for a period (each checked against the digest writer's public key, given one), and any sign
 * that one was put over or hidden: every digest written since the period began (the newest lists every trail
 * still in the lookback), and the one just before, so the first link is checked too.
 */
export async function readDigestsFor(store: DigestStore, period: VerificationPeriod, signerKey: KeyObject | undefined): Promise<DigestChainVerdict> {
  const { names, problems } = await store.list();
  const firstInPeriod = names.findIndex((name) => name >= digestName(period.from));
  const start = firstInPeriod < 0 ? Math.max(0, names.length - 1) : Math.max(0, firstInPeriod - 1);
  const digests: StoredDigest[] = [];
  for (const name of names.slice(start)) digests.push(await store.get(name));
  const verdict = verifyDigests(digests, signerKey);
  return { ...verdict, problems: [...problems, ...verdict.problems] };
}
