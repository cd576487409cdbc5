import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, checkExport, keyFingerprint, publicKeyFromPem } from '../functions/domain/evidence/export-manifest.js';
import { readExportDirectory } from './export-directory.js';
import { orUsageError } from './usage-error.js';

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
