import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { digestStoreAt, type DigestStore } from '../functions/aws/digest-store.js';
import { verifyEvidence } from '../functions/aws/evidence-verification.js';
import type { VerifiedCheckpoint } from '../functions/domain/chain-verify.js';
import { publicKeyFromPem } from '../functions/domain/evidence/export-manifest.js';
import { orUsageError, UsageError } from './usage-error.js';

interface VerifyFlags {
  from: string;
  to: string;
  tableName: string;
  /** The write-once digest store (s3://… or file://…); without one, only the chains themselves are checked. */
  digests?: string;
  /** The digest-signing key's public half (PEM or DER); without it, digests' signatures are not checked. */
  digestPublicKeyFile?: string;
  /** A checkpoint file: read if there, trails verified from where it left them; rewritten after an intact run. */
  checkpoint?: string;
}

const CHECKPOINT_FORMAT = 'irdr-verify-checkpoints/1';

/** The checkpoints a file holds for this table (none if it does not exist yet). */
async function readCheckpoints(file: string, tableName: string): Promise<Map<string, VerifiedCheckpoint>> {
  if (!existsSync(file)) return new Map();
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { format?: unknown; tableName?: unknown; trails?: unknown };
  if (parsed.format !== CHECKPOINT_FORMAT || !Array.isArray(parsed.trails)) throw new UsageError(`${file} is not an ${CHECKPOINT_FORMAT} file: give another --checkpoint file`);
  if (parsed.tableName !== tableName) throw new UsageError(`${file} holds checkpoints of table ${String(parsed.tableName)}, not ${tableName}: give another --checkpoint file`);
  return new Map((parsed.trails as Array<VerifiedCheckpoint & { partitionKey: string }>).map(({ partitionKey, seq, hash, digest, confirmedHeads }) => [partitionKey, { seq, hash, digest, confirmedHeads }]));
}

/**
 * `irdr evidence verify`: recomputes every incident and drill-run trail of the period, holds each to the head the
 * write-once digests recorded, and exits non-zero on any edited, inserted, reordered or deleted event (or digest),
 * naming the item (keys) with expected and found values. It talks to AWS through the SDK's usual settings
 * (`eval "$(npx irdr local env)"` for the local stack, which also names its digest folder).
 */
export async function evidenceVerifyCommand(flags: VerifyFlags): Promise<void> {
  // An empty value (IRDR_EVIDENCE_DIGEST_STORE= ) means no store, as an absent one does.
  const location = flags.digests || undefined;
  const store = location === undefined ? undefined : await orUsageError(async () => existingDigestStore(location));
  if (location !== undefined && !store) return;
  const keyFile = flags.digestPublicKeyFile || undefined;
  const signerKey = keyFile === undefined ? undefined : await orUsageError(async () => publicKeyFromPem(await readFile(keyFile)));
  if (keyFile !== undefined && !signerKey) return;
  const checkpointFile = flags.checkpoint || undefined;
  const checkpoints = checkpointFile === undefined ? undefined : await orUsageError(async () => readCheckpoints(checkpointFile, flags.tableName));
  if (checkpointFile !== undefined && !checkpoints) return;
  let report;
  try {
    report = await verifyEvidence(flags.tableName, { from: flags.from, to: flags.to }, store && { store, signerKey }, undefined, { checkpoints, leaveCheckpoints: checkpointFile !== undefined });
  } catch (error) {
    // A mistyped bucket holds no digests: "0 digests" of it would flatter the trail.
    if ((error as Error).name !== 'NoSuchBucket') throw error;
    throw new UsageError(`no digest store ${location}: the bucket does not exist (stack output EvidenceDigestStore)`);
  }
  for (const problem of report.problems) {
    console.log(`${problem.partitionKey} ${problem.sortKey}: ${problem.kind}; expected ${problem.expected}, found ${problem.found}`);
  }
  for (const problem of report.digests?.problems ?? []) {
    console.log(`digest ${problem.name}: expected ${problem.expected}, found ${problem.found}`);
  }
  const trails = `${report.trails.incidents} incident trails and ${report.trails.drillRuns} drill-run trails`;
  const span = `${flags.from} .. ${flags.to}`;
  const digests = report.digests
    ? `; ${report.digests.checked} digests in ${report.digests.location}` +
      (report.digests.newest ? ` (newest ${report.digests.newest.writtenAt})` : ' (none written yet: irdr evidence digest)') +
      (report.digests.trailsNotInADigest > 0 ? `, ${report.digests.trailsNotInADigest} trails opened since` : '') +
      (report.digests.signaturesChecked ? ', every signature checked' : '; signatures not checked (--digest-public-key-file)')
    : '; no digest store given (--digests): a deleted tail of a trail cannot be seen';
  if (checkpointFile !== undefined) {
    const byDigest = new Map<string, number>();
    for (const { digest } of report.heldToCheckpoints) byDigest.set(digest, (byDigest.get(digest) ?? 0) + 1);
    console.log(`${report.verifiedFresh} of ${report.events} events verified fresh; ${report.heldToCheckpoints.length} trails verified from their checkpoint`);
    for (const [digest, count] of byDigest) console.log(`  ${count} trails held, before their checkpoint, to digest ${digest}`);
    if (report.checkpoints) {
      const trailsOut = [...report.checkpoints].map(([partitionKey, checkpoint]) => ({ partitionKey, ...checkpoint }));
      await writeFile(checkpointFile, `${JSON.stringify({ format: CHECKPOINT_FORMAT, tableName: flags.tableName, writtenAt: new Date().toISOString(), trails: trailsOut }, null, 1)}\n`);
      console.log(`checkpoints of ${trailsOut.length} trails written to ${checkpointFile}`);
    } else {
      console.log(`checkpoints not updated: ${report.intact ? 'digests or their key not given (--digests, --digest-public-key-file)' : 'the run found problems'}`);
    }
  }
  if (report.intact) {
    console.log(`verified ${trails} (${report.events} events, ${span}) in ${flags.tableName}: every chain intact${digests}`);
    return;
  }
  const digestProblems = report.digests?.problems.length ?? 0;
  console.log(
    `${report.problems.length + digestProblems} problems in ${report.trails.broken} of ${trails}` +
      `${digestProblems > 0 ? ` and ${digestProblems} digests` : ''} (${span}) in ${flags.tableName}${digests}`,
  );
  process.exitCode = 1;
}

/** The digest store at location; a local folder must exist (a mistyped one would read as "no digests yet"). */
function existingDigestStore(location: string): DigestStore {
  const store = digestStoreAt(location);
  if (location.startsWith('file:') && !existsSync(fileURLToPath(location))) {
    throw new Error(`no digest store ${location}: the folder does not exist (the local stack makes it at start; \`irdr local env\` names it as IRDR_EVIDENCE_DIGEST_STORE)`);
  }
  return store;
}
