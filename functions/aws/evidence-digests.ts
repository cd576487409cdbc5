import { buildDigest, DIGEST_LOOKBACK_DAYS, digestName, sha256Of, verifyDigests, type ChainHead, type DigestChainVerdict, type StoredDigest } from '../domain/evidence/digest.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import type { DigestStore } from './digest-store.js';
import { listRunsStartedIn } from './drill/drill-run-store.js';
import { latestEvent } from './event-trail.js';
import { listIncidents } from './incident-store.js';
import type { VerificationPeriod } from './trail-verification.js';

const DAY_MS = 86_400_000;

/** The head of every incident and drill-run trail opened in the period (month indexes, then one item per trail). */
export async function collectChainHeads(tableName: string, period: VerificationPeriod): Promise<ChainHead[]> {
  const opened: Array<{ partitionKey: string; openedAt: string }> = [];
  let position: Parameters<typeof listIncidents>[2];
  do {
    const page = await listIncidents(tableName, period, position, 100);
    for (const incident of page.incidents) opened.push({ partitionKey: incidentPk(incident.incidentId), openedAt: incident.openedAt });
    position = page.next;
  } while (position);
  for (const run of await listRunsStartedIn(tableName, period)) opened.push({ partitionKey: drillRunPk(run.runId), openedAt: run.startedAt });

  const heads: ChainHead[] = [];
  for (const { partitionKey, openedAt } of opened) {
    const head = await latestEvent(tableName, partitionKey);
    if (head) heads.push({ partitionKey, openedAt, seq: head.seq, hash: head.hash });
  }
  return heads;
}

export interface WrittenDigest {
  readonly location: string;
  readonly name: string;
  readonly sha256: string;
  readonly heads: number;
}

/** Writes a digest of every chain head opened within the lookback, linked to the newest digest already stored. */
export async function writeEvidenceDigest(tableName: string, store: DigestStore, now: Date = new Date()): Promise<WrittenDigest> {
  const writtenAt = now.toISOString();
  const listsOpenedFrom = new Date(now.getTime() - DIGEST_LOOKBACK_DAYS * DAY_MS).toISOString();
  // One millisecond on: a record opened in this very millisecond is listed too.
  const heads = await collectChainHeads(tableName, { from: listsOpenedFrom, to: new Date(now.getTime() + 1).toISOString() });
  const names = await store.listNames();
  const newestName = names.at(-1);
  const previous = newestName === undefined ? undefined : await store.get(newestName);
  const { stored } = buildDigest({ writtenAt, tableName, listsOpenedFrom, heads, previous });
  await store.put(stored);
  return { location: store.location, name: stored.name, sha256: sha256Of(stored.bytes), heads: heads.length };
}

/**
 * The digests that vouch for a period: every digest written since the period began (the newest lists every trail
 * still in the lookback), and the one just before, so the first link is checked too.
 */
export async function readDigestsFor(store: DigestStore, period: VerificationPeriod): Promise<DigestChainVerdict> {
  const names = await store.listNames();
  const firstInPeriod = names.findIndex((name) => name >= digestName(period.from));
  const start = firstInPeriod < 0 ? Math.max(0, names.length - 1) : Math.max(0, firstInPeriod - 1);
  const digests: StoredDigest[] = [];
  for (const name of names.slice(start)) digests.push(await store.get(name));
  return verifyDigests(digests);
}
