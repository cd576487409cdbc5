import { readFile } from 'node:fs/promises';
import { buildEvidenceExport } from '../functions/aws/evidence-export.js';
import { tableCoverage } from '../functions/aws/table-coverage.js';
import { estateInventory, readEstateCoverage, tableArnsBeside } from '../functions/aws/estate-coverage.js';
import { shownName } from '../functions/domain/evidence/estate-coverage-views.js';
import { progressReporter } from './export-progress-reporter.js';
import { controlMappingOf, type ControlMapping } from '../functions/domain/evidence/control-summary.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { loadRunbooks } from '../workflows/load-runbooks.js';
import { digestStoreAt, type DigestStore } from '../functions/aws/digest-store.js';
import { existsSync } from 'node:fs';
import { UsageError } from './usage-error.js';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { WrittenDigest } from '../functions/aws/evidence-digests.js';
import { verifyEvidence } from '../functions/aws/evidence-verification.js';
import type { VerifiedCheckpoint } from '../functions/domain/chain-verify.js';
import { kmsEd25519Signer } from '../functions/aws/kms-ed25519-signer.js';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, checkExport, keyFingerprint, keySigner, publicKeyFromPem, signingKeyFromPem, type ManifestSigner } from '../functions/domain/evidence/export-manifest.js';
import { describeProblems } from '../functions/domain/evidence/exported-trail.js';
import { prepareExportDirectory, readExportDirectory, writeExportDirectory } from './export-directory.js';

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

interface DigestFlags {
  /** The digest writer function's name or ARN. */
  function?: string;
}

/**
 * `irdr evidence digest`: has the digest writer write a digest now, as the daily schedule does. It invokes the function
 * rather than writing one itself: the digest key's policy lets only that function's role sign.
 */
export async function evidenceDigestCommand(flags: DigestFlags): Promise<void> {
  if (!flags.function) {
    console.error('irdr: name the digest writer: --function <stack output EvidenceDigestFunctionName> (irdr local env sets IRDR_DIGEST_FUNCTION)');
    process.exitCode = 2;
    return;
  }
  const lambda = new LambdaClient({});
  let invoked;
  try {
    invoked = await lambda.send(new InvokeCommand({ FunctionName: flags.function, Payload: Buffer.from('{}') }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    const where = process.env.AWS_ENDPOINT_URL_LAMBDA ? `at ${process.env.AWS_ENDPOINT_URL_LAMBDA}` : `in ${await lambda.config.region().catch(() => 'the default region')}`;
    throw new UsageError(`no function ${flags.function} ${where}: --function names the digest writer (stack output EvidenceDigestFunctionName; irdr local env sets IRDR_DIGEST_FUNCTION)`);
  } finally {
    lambda.destroy();
  }
  const payload: unknown = JSON.parse(Buffer.from(invoked.Payload ?? Buffer.from('null')).toString('utf8'));
  if (invoked.FunctionError) {
    const { errorType, errorMessage } = (payload ?? {}) as { errorType?: string; errorMessage?: string };
    console.error(`irdr: the digest writer ${flags.function} failed: ${errorType ?? invoked.FunctionError}: ${errorMessage ?? 'no message'}`);
    process.exitCode = 1;
    return;
  }
  const written = payload as WrittenDigest;
  console.log(`digest ${written.name} written to ${written.location}: ${written.heads} chain heads, sha256 ${written.sha256}`);
  for (const { partitionKey, recorded, found } of written.refused) {
    console.log(`refused ${partitionKey}: digest ${recorded.digest} recorded ${recorded.seq}:${recorded.hash}, the table holds ${found}; kept the recorded head`);
  }
  if (written.refused.length > 0) {
    console.log(`${written.refused.length} trails no longer extend the last digest: rewritten, truncated or deleted since. Run irdr evidence verify and investigate.`);
    process.exitCode = 1;
  }
}

interface ExportFlags {
  from: string;
  to: string;
  out: string;
  tableName: string;
  signingKeyFile?: string;
  kmsKeyId?: string;
}

/** The digest store at location; a local folder must exist (a mistyped one would read as "no digests yet"). */
function existingDigestStore(location: string): DigestStore {
  const store = digestStoreAt(location);
  if (location.startsWith('file:') && !existsSync(fileURLToPath(location))) {
    throw new Error(`no digest store ${location}: the folder does not exist (the local stack makes it at start; \`irdr local env\` names it as IRDR_EVIDENCE_DIGEST_STORE)`);
  }
  return store;
}

/** A mistake the user can fix (a bad key file, a non-empty directory): say what to change, exit 2, no stack trace. */
async function orUsageError<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    console.error(`irdr: ${(error as Error).message}`);
    process.exitCode = 2;
    return undefined;
  }
}

/** The key file's signer, the KMS key's, or none (commander refuses both at once). */
async function manifestSigner(flags: ExportFlags): Promise<ManifestSigner | undefined> {
  if (flags.kmsKeyId !== undefined) {
    const signer = kmsEd25519Signer(flags.kmsKeyId);
    await signer.publicKey(); // a wrong key id or spec is a usage error now, not after the whole export
    return signer;
  }
  return flags.signingKeyFile === undefined ? undefined : keySigner(signingKeyFromPem(await readFile(flags.signingKeyFile)));
}
const readPublicKey = async (path: string | undefined): Promise<KeyObject | undefined> =>
  path === undefined ? undefined : publicKeyFromPem(await readFile(path));

/** `irdr evidence keygen --out <dir>`: an Ed25519 key pair to sign exports with (the private key readable by you only). */
export async function evidenceKeygenCommand(flags: { out: string }): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const written = await orUsageError(async () => {
    await mkdir(flags.out, { recursive: true });
    const privatePath = join(flags.out, 'evidence-signing-key.pem');
    const publicPath = join(flags.out, 'evidence-signing-key.pub.pem');
    // `wx`: never overwrite a key that may have signed exports already.
    await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
    await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
    return { privatePath, publicPath };
  });
  if (!written) return;
  console.log(`private key ${written.privatePath} (mode 0600: keep it apart from the exports)`);
  console.log(`public key  ${written.publicPath}, fingerprint ${keyFingerprint(publicKey)} (give it to the auditor)`);
}

/**
 * `irdr evidence export`: every incident and drill run of the period with its whole trail and chain verdict, as JSON,
 * CSV and one self-contained HTML report, plus manifest.json (SHA-256 of each file, every trail's head; Ed25519-signed with a key).
 * A broken trail is exported as found, named, and makes the command exit 1.
 */
export async function evidenceExportCommand(flags: ExportFlags): Promise<void> {
  const prepared = await orUsageError(async () => {
    const signer = await manifestSigner(flags);
    await prepareExportDirectory(flags.out);
    return { signer };
  });
  if (!prepared) return;
  // Progress goes to stderr (one updating line on a terminal); stdout stays the command's result.
  const progress = progressReporter();
  const inventory = async () => estateInventory(await tableArnsBeside(flags.tableName));
  const { incidents, drillRuns, files, manifest, estateCoverageProblem } = await buildEvidenceExport(
    flags.tableName,
    { from: flags.from, to: flags.to },
    controlMapping(),
    prepared.signer,
    progress.onProgress,
    undefined,
    inventory,
  );
  progress.finish();
  await writeExportDirectory(flags.out, files, manifest);
  const { trails } = manifest;

  const allTrails = [...incidents, ...drillRuns].map(({ trail }) => trail);
  for (const line of describeProblems(allTrails)) console.log(line);
  const events = allTrails.reduce((sum, trail) => sum + trail.events.length, 0);
  const integrity = manifest.signature ? `signed (Ed25519, key ${manifest.signature.keyFingerprint})` : 'hashed, not signed (no --signing-key-file or --kms-key-id)';
  console.log(
    `exported ${incidents.length} incident trails and ${drillRuns.length} drill-run trails (${events} events, ${flags.from} .. ${flags.to}) ` +
      `from ${flags.tableName} to ${flags.out}: ${files.map(({ name }) => name).join(', ')}, ${MANIFEST_FILE} ${integrity}`,
  );
  if (estateCoverageProblem !== undefined) console.log(`note: coverage of the estate could not be collected (the report says so): ${shownName(estateCoverageProblem)}`);
  if (trails.broken > 0) {
    console.log(`${trails.broken} of ${trails.total} trails are broken: exported as found, and marked so in every file`);
    process.exitCode = 1;
  }
}

/**
 * `irdr evidence coverage`: the estate (every resource AWS Backup protects, every table) against the period's drill runs,
 * per type; then every table against the plans that restore it and their last pass, uncovered and stale ones first.
 * Exit 1 when any resource was not drilled in the period or any table is uncovered or stale, so it can gate a release or an audit.
 */
export async function evidenceCoverageCommand(flags: { tableName: string; count?: boolean; from: string; to: string }): Promise<void> {
  const estate = await readEstateCoverage(flags.tableName, { from: flags.from, to: flags.to }, await tableArnsBeside(flags.tableName));
  console.log(`estate ${flags.from} .. ${flags.to}: drilled = a run in the period passed with every check passed`);
  console.log(`${'type'.padEnd(12)}  resources  drilled  attempted  not drilled`);
  for (const type of estate.byType) {
    console.log(`${shownName(type.type).padEnd(12)}  ${String(type.resources).padStart(9)}  ${String(type.drilled).padStart(7)}  ${String(type.attempted).padStart(9)}  ${String(type.notDrilled).padStart(11)}`);
  }
  for (const row of estate.rows) {
    const runs = [...row.drilledBy, ...row.attemptedBy].join(', ');
    console.log(`  ${shownName(row.type)}  ${row.status.padEnd(11)}  ${shownName(row.name)}  ${shownName(row.arn)}${runs ? `  runs: ${runs}` : ''}${row.why ? ` (${row.why})` : ''}`);
  }
  const estateGaps = estate.rows.filter((row) => row.status !== 'drilled').length;
  console.log(`${estate.rows.length} resources: ${estate.rows.length - estateGaps} drilled in the period, ${estateGaps} attempted or not drilled`);
  if (estateGaps > 0) process.exitCode = 1;
  console.log('');
  // DescribeTable's ItemCount by default, as the AWS console shows it: a Scan of every table could cost more than the report is worth.
  const basis = flags.count ? 'scan' : 'estimate';
  const rows = await tableCoverage(flags.tableName, loadDrillPlans(), new Date(), basis);
  const width = Math.max(5, ...rows.map((row) => row.table.length));
  const items = (count: number): string => (basis === 'estimate' ? `~${count}` : String(count));
  console.log(`${'table'.padEnd(width)}  status     items  plans / last pass`);
  for (const row of rows) {
    const detail = row.plans.length === 0 ? '-' : `${row.plans.join(', ')} / ${row.lastPassedAt ?? 'never passed'}`;
    console.log(`${row.table.padEnd(width)}  ${row.status.padEnd(9)}  ${items(row.itemCount).padStart(5)}  ${detail}${row.why ? ` (${row.why})` : ''}`);
  }
  console.log(
    basis === 'estimate'
      ? "items: ~ DynamoDB's estimate (DescribeTable ItemCount, refreshed about every 6 hours: a new or changing table may show ~0); --count counts them with a Scan of each table"
      : 'items: counted now with a Scan of each table',
  );
  const gaps = rows.filter((row) => row.status !== 'covered').length;
  console.log(`${rows.length} tables: ${rows.length - gaps} covered by a recent passing drill, ${gaps} uncovered or stale`);
  if (gaps > 0) process.exitCode = 1;
}

/** The controls the definitions in this checkout name (workflows/runbooks, workflows/drills), by runbook and plan id. */
const controlMapping = (): ControlMapping => controlMappingOf(loadRunbooks(), loadDrillPlans());

interface CheckExportFlags {
  publicKeyFile?: string;
}

/** `irdr evidence check-export <dir>`: recomputes every file's SHA-256 (and the manifest's signature); exit 1 names each changed file. */
export async function evidenceCheckExportCommand(directory: string, flags: CheckExportFlags): Promise<void> {
  const read = await orUsageError(async () => ({ key: await readPublicKey(flags.publicKeyFile), ...(await readExportDirectory(directory)) }));
  if (!read) return;
  const check = checkExport(read.manifestText, read.files, read.key);
  for (const problem of check.problems) console.log(`FAILED ${problem}`);
  for (const note of check.notes) console.log(`note: ${note}`);
  const listed = check.manifest?.files.length ?? 0;
  const signature = {
    valid: `, signature valid (pinned key ${check.manifest?.signature?.keyFingerprint})`,
    'valid-unpinned': `, signature valid for the key it carries (${check.manifest?.signature?.keyFingerprint}), not pinned`,
    invalid: ', signature INVALID',
    'wrong-key': ', signed by ANOTHER key than the pinned one',
    unsigned: ', not signed',
  }[check.signature];
  if (check.problems.length === 0) {
    console.log(`${directory}: all ${listed} files match ${MANIFEST_FILE}${signature}`);
    return;
  }
  console.log(`${directory}: ${check.problems.length} problems; ${check.matched} of ${listed} files match ${MANIFEST_FILE}${signature}`);
  process.exitCode = 1;
}
