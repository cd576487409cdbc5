import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { buildManifest, checkExport, signingKeyFromFile, type ExportFile } from '../../functions/domain/evidence/export-manifest.js';

const files: ExportFile[] = [
  { name: 'incidents.json', content: Buffer.from('{"incidents":[]}\n') },
  { name: 'report.html', content: Buffer.from('<!doctype html>') },
];
const fields = {
  period: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
  tableName: 'irdr-prod',
  generatedAt: '2026-04-02T00:00:00.000Z',
  trails: { incidents: 3, drillRuns: 2, total: 5, broken: 0 },
};
const key = Buffer.from('k'.repeat(32));
const onDisk = (changes: Record<string, Buffer | undefined> = {}): Map<string, Buffer> => {
  const map = new Map(files.map(({ name, content }) => [name, content]));
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
      format: 'irdr-evidence-export/1',
      ...fields,
      files: [
        { name: 'incidents.json', sha256: createHash('sha256').update('{"incidents":[]}\n').digest('hex'), bytes: 17 },
        { name: 'report.html', sha256: createHash('sha256').update('<!doctype html>').digest('hex'), bytes: 15 },
      ],
    });
  });

  it('is signed with HMAC-SHA256 over its RFC 8785 canonical JSON (without the signature), when given a key', () => {
    const manifest = buildManifest(fields, files, key);
    const { signature, ...signed } = manifest;
    expect(signature).toEqual({
      algorithm: 'HMAC-SHA256',
      canonicalization: 'RFC 8785',
      value: createHmac('sha256', key).update(canonicalize(signed)!).digest('hex'),
    });
  });

  it('refuses a file name that would lead the checker out of the directory', () => {
    expect(() => buildManifest(fields, [{ name: '../etc/passwd', content: Buffer.from('') }])).toThrow();
  });
});

describe('checking an export', () => {
  const unsigned = JSON.stringify(buildManifest(fields, files), null, 2);
  const signed = JSON.stringify(buildManifest(fields, files, key), null, 2);

  it('passes an untouched export, saying an unsigned one is only hashed', () => {
    const check = checkExport(unsigned, onDisk());
    expect(check).toMatchObject({ problems: [], matched: 2, signature: 'unsigned' });
    expect(check.notes.join('\n')).toMatch(/not signed, only hashed/);
    expect(checkExport(signed, onDisk(), key)).toMatchObject({ problems: [], matched: 2, signature: 'valid' });
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
    const check = checkExport(JSON.stringify(forged), onDisk({ 'incidents.json': changed }), key);
    expect(check.signature).toBe('invalid');
    expect(check.problems).toEqual([expect.stringMatching(/^manifest\.json: signature does not match/)]);
  });

  it('covers members the format does not know: adding one breaks the signature', () => {
    const check = checkExport(JSON.stringify({ ...JSON.parse(signed), note: 'all fine' }), onDisk(), key);
    expect(check.signature).toBe('invalid');
  });

  it('fails with the wrong key, or with a key for an unsigned manifest; notes a signature it could not check', () => {
    expect(checkExport(signed, onDisk(), Buffer.from('z'.repeat(32))).signature).toBe('invalid');
    expect(checkExport(unsigned, onDisk(), key).problems).toEqual(['manifest.json: not signed, but a signing key was given']);
    const notChecked = checkExport(signed, onDisk());
    expect(notChecked).toMatchObject({ problems: [], signature: 'not-checked' });
  });

  it('refuses what is not a manifest', () => {
    expect(checkExport('nope', onDisk()).problems).toEqual(['manifest.json: not JSON']);
    const traversal = JSON.stringify({ ...JSON.parse(unsigned), files: [{ name: '../secret', sha256: '0'.repeat(64), bytes: 0 }] });
    expect(checkExport(traversal, onDisk()).problems[0]).toMatch(/^manifest\.json: not an irdr export manifest/);
  });
});

describe('the signing key file', () => {
  it('holds the key, less one trailing newline', () => {
    expect(signingKeyFromFile(Buffer.from(`${'a'.repeat(64)}\n`))).toEqual(Buffer.from('a'.repeat(64)));
    expect(signingKeyFromFile(Buffer.from(`${'a'.repeat(64)}\r\n`))).toEqual(Buffer.from('a'.repeat(64)));
  });

  it('must hold at least 32 bytes', () => {
    expect(() => signingKeyFromFile(Buffer.from('short\n'))).toThrow(/at least 32 bytes/);
  });
});
