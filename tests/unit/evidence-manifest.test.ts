import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, checkExport, contentChunks, keyFingerprint, keySigner, publicKeyFromPem, signManifest, signingKeyFromPem, type ExportFile } from '../../functions/domain/evidence/export-manifest.js';

const files: ExportFile[] = [
  // A listing is made in pieces and never joined: its manifest entry is the file's as written (onDisk joins it).
  { name: 'incidents.json', content: [Buffer.from('{"incidents":'), Buffer.from('[]'), Buffer.from('}\n')] },
  { name: 'report.html', content: Buffer.from('<!doctype html>') },
];
const fields = {
  period: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
  tableName: 'irdr-prod',
  generatedAt: '2026-04-02T00:00:00.000Z',
  trails: { incidents: 3, drillRuns: 2, total: 5, broken: 0 },
  heads: [{ partitionKey: 'INC#1', seq: 5, hash: 'a'.repeat(64) }],
};
const { privateKey: key, publicKey } = generateKeyPairSync('ed25519');
const { privateKey: otherKey, publicKey: otherPublicKey } = generateKeyPairSync('ed25519');
const onDisk = (changes: Record<string, Buffer | undefined> = {}): Map<string, Buffer> => {
  const map = new Map<string, Buffer>(files.map(({ name, content }) => [name, Buffer.concat(contentChunks(content))]));
  for (const [name, content] of Object.entries(changes)) {
    if (content) map.set(name, content);
    else map.delete(name);
  }
  return map;
};

describe('the export manifest', () => {
  it('lists every file with its SHA-256 and size, the period, the table and the trail counts', () => {
    const manifest = buildManifest(fields, files);
    expect(manifest).toEqual({
      format: 'irdr-evidence-export/2',
      ...fields,
      files: [
        { name: 'incidents.json', sha256: createHash('sha256').update('{"incidents":[]}\n').digest('hex'), bytes: 17 },
        { name: 'report.html', sha256: createHash('sha256').update('<!doctype html>').digest('hex'), bytes: 15 },
      ],
    });
  });

  it('is signed with Ed25519 over the SHA-256 of its RFC 8785 canonical JSON (without the signature), carrying the public key and its fingerprint', async () => {
    const manifest = await signManifest(buildManifest(fields, files), keySigner(key));
    const { signature, ...signed } = manifest;
    expect(signature).toMatchObject({ algorithm: 'Ed25519', canonicalization: 'RFC 8785', keyFingerprint: keyFingerprint(publicKey) });
    expect(createPublicKey(signature!.publicKey).equals(publicKey)).toBe(true);
    const message = `irdr-evidence-manifest sha256:${createHash('sha256').update(canonicalize(signed)!).digest('hex')}`;
    expect(verify(null, Buffer.from(message), publicKey, Buffer.from(signature!.value, 'base64'))).toBe(true);
    expect(keyFingerprint(publicKey)).toBe(`sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`);
  });

  it('refuses a file name that would lead the checker out of the directory', () => {
    expect(() => buildManifest(fields, [{ name: '../etc/passwd', content: Buffer.from('') }])).toThrow();
  });
});

describe('checking an export', () => {
  const unsigned = JSON.stringify(buildManifest(fields, files), null, 2);
  let signed: string;
  beforeAll(async () => {
    signed = JSON.stringify(await signManifest(buildManifest(fields, files), keySigner(key)), null, 2);
  });

  it('passes an untouched export, saying an unsigned one is only hashed', () => {
    const check = checkExport(unsigned, onDisk());
    expect(check).toMatchObject({ problems: [], matched: 2, signature: 'unsigned' });
    expect(check.notes.join('\n')).toMatch(/not signed, only hashed/);
    expect(checkExport(signed, onDisk(), publicKey)).toMatchObject({ problems: [], matched: 2, signature: 'valid' });
    const unpinned = checkExport(signed, onDisk());
    expect(unpinned).toMatchObject({ problems: [], signature: 'valid-unpinned' });
    expect(unpinned.notes.join('\n')).toContain(`signature valid for the key it carries, ${keyFingerprint(publicKey)}`);
  });

  it('names each changed or missing file, and notes files the manifest does not cover', () => {
    const check = checkExport(unsigned, onDisk({ 'report.html': Buffer.from('<!doctype html>!'), 'incidents.json': undefined, 'extra.txt': Buffer.from('x') }));
    expect(check.problems).toEqual([
      'incidents.json: missing',
      expect.stringMatching(/^report\.html: changed; expected sha256 [0-9a-f]{64} \(15 bytes\), found [0-9a-f]{64} \(16 bytes\)$/),
    ]);
    expect(check.notes).toContain('extra.txt: not in manifest.json, so not covered by this check');
  });

  it('catches a manifest rewritten to match a changed file, when it was signed', () => {
    const changed = Buffer.from('{"incidents":["forged"]}\n');
    const forged = JSON.parse(signed);
    forged.files[0] = { name: 'incidents.json', sha256: createHash('sha256').update(changed).digest('hex'), bytes: changed.length };
    const check = checkExport(JSON.stringify(forged), onDisk({ 'incidents.json': changed }), publicKey);
    expect(check.signature).toBe('invalid');
    expect(check.problems).toEqual([expect.stringMatching(/^manifest\.json: signature does not match/)]);
  });

  it('covers members the format does not know: adding one breaks the signature', () => {
    const check = checkExport(JSON.stringify({ ...JSON.parse(signed), note: 'all fine' }), onDisk(), publicKey);
    expect(check.signature).toBe('invalid');
  });

  it('fails when signed by another key than the pinned one, or re-signed by a forger with their own key', async () => {
    const wrong = checkExport(signed, onDisk(), otherPublicKey);
    expect(wrong.signature).toBe('wrong-key');
    expect(wrong.problems).toEqual([`manifest.json: signed by ${keyFingerprint(publicKey)}, not by the pinned key ${keyFingerprint(otherPublicKey)}`]);
    // A forger who rewrites the files can re-sign with their own key: only pinning the signer's key tells.
    const reSigned = JSON.stringify(await signManifest(buildManifest(fields, files), keySigner(otherKey)));
    expect(checkExport(reSigned, onDisk()).signature).toBe('valid-unpinned');
    expect(checkExport(reSigned, onDisk(), publicKey).signature).toBe('wrong-key');
    // A key swapped in beside a signature it did not make.
    const swapped = { ...JSON.parse(signed), signature: { ...JSON.parse(signed).signature, publicKey: otherPublicKey.export({ type: 'spki', format: 'pem' }) } };
    expect(checkExport(JSON.stringify(swapped), onDisk()).signature).toBe('invalid');
    expect(checkExport(unsigned, onDisk(), publicKey).problems).toEqual(['manifest.json: not signed, but a public key was given to check it with']);
  });

  it('refuses what is not a manifest', () => {
    expect(checkExport('nope', onDisk()).problems).toEqual(['manifest.json: not JSON']);
    const traversal = JSON.stringify({ ...JSON.parse(unsigned), files: [{ name: '../secret', sha256: '0'.repeat(64), bytes: 0 }] });
    expect(checkExport(traversal, onDisk()).problems[0]).toMatch(/^manifest\.json: not an irdr export manifest/);
  });
});

describe('key files', () => {
  it('read Ed25519 keys in PEM; a private key file gives its public half', () => {
    const privatePem = key.export({ type: 'pkcs8', format: 'pem' });
    expect(signingKeyFromPem(privatePem).asymmetricKeyType).toBe('ed25519');
    expect(publicKeyFromPem(privatePem).equals(publicKey)).toBe(true);
    expect(publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' })).equals(publicKey)).toBe(true);
  });

  it('refuse other keys and other text, saying how to make one', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => signingKeyFromPem(rsa)).toThrow(/must be an Ed25519 key in PEM \(irdr evidence keygen --out <dir> makes a pair\); this one is rsa/);
    expect(() => signingKeyFromPem(`${'5e'.repeat(32)}\n`)).toThrow(/must hold an Ed25519 key in PEM/);
    expect(() => publicKeyFromPem('nope')).toThrow(/must hold an Ed25519 key in PEM/);
  });
});
