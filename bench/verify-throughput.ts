/**
 * Trail verification speed: verifyChain (parse the stored event, canonicalize, SHA-256, compare links) over a
 * synthetic chain, against raw SHA-256 over the same canonical bytes, in the same run.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import canonicalize from 'canonicalize';
import { verifyChain, verifyChainFrom, type StoredTrailEvent } from '../functions/domain/chain-verify.js';
import { nextLink, type ChainLink } from '../functions/domain/hash-chain.js';
import { eventSk } from '../functions/domain/keys.js';
import { compared, type Bench } from './figure.js';
import { median, runIfMain, sampleSize } from './stats.js';

/** A chain of typical incident events (a step's event with a small detail), as stored. */
function syntheticTrail(length: number): StoredTrailEvent[] {
  const events: StoredTrailEvent[] = [];
  let previous: ChainLink | undefined;
  for (let seq = 1; seq <= length; seq += 1) {
    const body = {
      type: seq % 5 === 0 ? 'notification.sent' : 'step.completed',
      at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
      actor: 'states:arn:aws:states:us-east-1:000000000000:execution:irdr-Runbook-security-incident:3f1c',
      stepId: `step-${seq % 17}`,
      detail: { taskId: `task-${seq % 11}`, outcome: 'done', comment: 'contained; keys rotated and sessions revoked' },
    };
    previous = nextLink(body, previous);
    events.push({ sortKey: eventSk(seq), event: { ...body, ...previous } });
  }
  return events;
}

/** Seconds `run` takes. */
function wallTimed(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

// A full collection before each timed round, so no round pays for the garbage of the one before (createHash's Hash
// objects left 34-76 ms of it per 100,000, verifyChain no more than one-shot hashing: docs/verify-performance-6.md).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * CPU seconds `run` takes on this thread (user and system), from a collected heap: on a machine other processes load,
 * wall time counts their turns too (ratios moved by 2x between runs).
 */
function timed(run: () => void): number {
  collectGarbage();
  const start = process.threadCpuUsage();
  run();
  const { user, system } = process.threadCpuUsage(start);
  return (user + system) / 1e6;
}

export const bench: Bench = async () => {
  const length = sampleSize(100_000, 10_000);
  const rounds = sampleSize(5, 3);
  const trail = syntheticTrail(length);
  // The bytes verification hashes: each event's canonical JSON without its own hash.
  const canonical = trail.map(({ event }) => {
    const { hash: _hash, ...hashed } = event;
    return canonicalize(hashed)!;
  });

  // Rounds interleave the three so a load spike from another process hits each alike; each figure is its rounds' median.
  const raw: number[] = [];
  const oneShot: number[] = [];
  const verify: number[] = [];
  const library: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    raw.push(timed(() => {
      for (const text of canonical) createHash('sha256').update(text, 'utf8').digest('hex');
    }));
    oneShot.push(timed(() => {
      for (const text of canonical) oneShotHash('sha256', text, 'hex');
    }));
    verify.push(timed(() => {
      const verdict = verifyChain(trail);
      if (verdict.problems.length > 0 || verdict.length !== length) throw new Error('the synthetic chain did not verify');
    }));
    // What verification did before canonical-json.ts: the package's canonicalize over a copy without the hash.
    library.push(timed(() => {
      for (const { event } of trail) {
        const { hash, ...hashed } = event;
        if (createHash('sha256').update(canonicalize(hashed)!, 'utf8').digest('hex') !== hash) throw new Error('the synthetic chain did not verify');
      }
    }));
  }
  const rawSeconds = median(raw);

  // An unchanged year verified yesterday: the checkpoint is yesterday's digest head, a day's events (1/365) came since.
  const checkpointSeq = length - Math.ceil(length / 365);
  const checkpointHash = trail[checkpointSeq - 1]!.event.hash as string;
  const checkpoint = { seq: checkpointSeq, hash: checkpointHash, digest: 'yesterday', confirmedHeads: [{ seq: checkpointSeq, hash: checkpointHash }] };
  const full: number[] = [];
  const incremental: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Wall time: an incremental verify takes under a millisecond, below what the CPU clock here resolves.
    full.push(wallTimed(() => verifyChain(trail)));
    incremental.push(wallTimed(() => {
      // What the store would return for a Query from the checkpoint's sort key on.
      const verdict = verifyChainFrom(trail.slice(checkpointSeq - 1), checkpoint, [{ seq: checkpointSeq, hash: checkpointHash, digest: 'yesterday' }]);
      if (!verdict || verdict.problems.length > 0 || verdict.length !== length) throw new Error('the incremental verify did not hold');
    }));
  }

  const bytes = canonical.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const note = `${length} events, ${Math.round(bytes / length)} bytes each canonical; in memory (no DynamoDB); main-thread CPU time from a collected heap, median of ${rounds} interleaved rounds`;
  return [
    compared({
      bench: 'verify-throughput',
      name: 'verifyChain',
      value: length / median(verify),
      unit: 'events/s',
      baseline: { name: 'raw SHA-256 of the same bytes (events/s)', value: length / rawSeconds },
      note,
    }),
    compared({
      bench: 'verify-throughput',
      name: 'canonicalize package + SHA-256',
      value: length / median(library),
      unit: 'events/s',
      baseline: { name: 'raw SHA-256 of the same bytes (events/s)', value: length / rawSeconds },
      note: 'the same check with the library canonicalizer (before canonical-json.ts), same run',
    }),
    compared({
      bench: 'verify-throughput',
      name: 'verifyChain against one-shot SHA-256',
      value: length / median(verify),
      unit: 'events/s',
      baseline: { name: 'raw one-shot crypto.hash of the same bytes (events/s)', value: length / median(oneShot) },
      note: 'verifyChain hashes with crypto.hash; this is the floor it could reach, stricter than the createHash baseline',
    }),
    {
      bench: 'verify-throughput',
      name: 'incremental verify of an unchanged year, share of a full verify',
      value: (100 * median(incremental)) / median(full),
      unit: '%',
      note: `${median(incremental).toFixed(4)} s against ${median(full).toFixed(3)} s full, same run; ${length - checkpointSeq + 1} of ${length} events re-hashed (from yesterday's digest head on); in memory, so the DynamoDB reads saved come on top`,
    },
  ];
};

await runIfMain(import.meta.url, bench);
