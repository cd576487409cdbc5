import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf } from '../../bench/function-bundle.js';
import { renderTextPdf } from '../../functions/domain/pdf/text-pdf.js';
import { FUNCTION_BUNDLING } from '../../lib/functions.js';
import { leftOutMessage, pdfkitTextOnly } from '../../lib/pdfkit-text-only.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

const workdir = mkdtempSync(join(tmpdir(), 'irdr-pdfkit-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));
const browserBuild = readFileSync(join(PROJECT_ROOT, 'node_modules/pdfkit/js/pdfkit.browser.mjs'), 'utf8');

// The statement's shape: a heading, lines, and its signed JSON attached (what the file id and the trailer are drawn from).
const LINES = [{ heading: 'Continuity (statement)' }, 'RTO 12 min, target 30 min: met', '', 'Grüße'] as const;
const OPTIONS = { title: 'Statement', createdAt: new Date('2026-12-01T10:00:00Z'), attachments: [{ name: 'statement.json', mediaType: 'application/json', description: 'signed', bytes: new TextEncoder().encode('{"signed":true}') }] };

describe('lib/pdfkit-text-only.ts', () => {
  it('bundles pdfkit without encryption, images, tables and SVG paths: the same PDF bytes as the full library, and each refused, not ignored', async () => {
    const { outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
    const file = join(workdir, outfile);
    const contents = `import PDFDocument from 'pdfkit';
      import { renderTextPdf } from './functions/domain/pdf/text-pdf.ts';
      const refused = [];
      const refusal = (draw) => { try { draw(); refused.push('drawn'); } catch (error) { refused.push(error.message); } };
      refusal(() => new PDFDocument({ ownerPassword: 'owner', userPassword: 'user' }));
      // A 1x1 PNG, as bytes, a table of one cell, an SVG path.
      refusal(() => new PDFDocument().image(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'), 0, 0));
      refusal(() => new PDFDocument().table({ data: [['cell']] }));
      refusal(() => new PDFDocument().path('M 0,0 L 10,10 Z'));
      const pdf = await renderTextPdf(${JSON.stringify(LINES)}, { title: 'Statement', createdAt: new Date('2026-12-01T10:00:00Z'), attachments: [{ name: 'statement.json', mediaType: 'application/json', description: 'signed', bytes: new TextEncoder().encode('{"signed":true}') }] });
      process.stdout.write(JSON.stringify({ refused, pdf: Buffer.from(pdf).toString('base64') }));`;
    const result = await build({ ...options, sourcemap: false, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'draw.ts' }, outfile: file, absWorkingDir: PROJECT_ROOT, metafile: true, logLevel: 'warning' });
    const inputs = Object.values(result.metafile.outputs).find((output) => output.entryPoint !== undefined)!.inputs;
    // Before: AES (@noble/ciphers, 6.5 KB), png-js (4 KB) and pdfkit's 131 KB, its hashes, key derivations, image readers, tables and path parser included.
    expect(Object.keys(inputs).filter((input) => /node_modules\/(@noble\/ciphers|png-js)\//.test(input) && inputs[input]!.bytesInOutput > 0)).toEqual([]);
    expect(inputs[Object.keys(inputs).find((input) => input.endsWith('pdfkit/js/pdfkit.browser.mjs'))!]!.bytesInOutput / 1024).toBeLessThan(110);

    const bundled = JSON.parse(execFileSync(process.execPath, [file], { cwd: workdir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' })) as { refused: string[]; pdf: string };
    expect(bundled.refused).toEqual([leftOutMessage('encryption'), leftOutMessage('images'), leftOutMessage('tables'), leftOutMessage('SVG paths')]);
    // The tests' code runs pdfkit's Node build, encryption and all: the file id (an MD5 of the info) and every byte agree.
    const unbundled = Buffer.from(await renderTextPdf(LINES, OPTIONS));
    expect(unbundled.toString('latin1')).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    expect(Buffer.from(bundled.pdf, 'base64').equals(unbundled)).toBe(true);
  });

  it('keeps generateFileID as pdfkit wrote it and leaves no key derivation reachable', () => {
    const cut = pdfkitTextOnly(browserBuild);
    const fileId = (source: string) => /\n {2}static generateFileID\(info = \{\}\) \{\n[\s\S]*?\n {2}\}\n/.exec(source)?.[0];
    expect(fileId(cut)).toBe(fileId(browserBuild));
    const securityClass = cut.slice(cut.indexOf('\nclass PDFSecurity {'), cut.indexOf('\n}\n', cut.indexOf('\nclass PDFSecurity {')));
    expect(securityClass).not.toMatch(/_setupEncryption|getEncryptFn|getEncryptionKey|randomBytes/);
    expect(securityClass).toContain(JSON.stringify(leftOutMessage('encryption')));
  });

  it('fails the build, rather than ship an unchecked cut, when pdfkit no longer has the shape it cuts', () => {
    const changed = {
      'create encrypts another way': browserBuild.replace('    return new PDFSecurity(document, options);\n', '    return new PDFSecurityV2(document, options);\n'),
      'no generateFileID': browserBuild.replace('static generateFileID(info = {}) {', 'static fileIdOf(info = {}) {'),
      'the constructor no longer creates it': browserBuild.replace('this._security = PDFSecurity.create(this, options);', 'this._security = createSecurity(this, options);'),
      'no class at all': browserBuild.replace('\nclass PDFSecurity {\n', '\nclass Security {\n'),
      'images opened another way': browserBuild.replace('image = PDFImage.open(src, `I${++this._imageCount}`);', 'image = PDFImage.open(src, this._nextImageLabel());'),
      'tables made another way': browserBuild.replace('return new PDFTable(this, opts);', 'return PDFTable.create(this, opts);'),
      'paths drawn another way': browserBuild.replace('SVGPath.apply(this, path);', 'new SVGPath(path).draw(this);'),
    };
    for (const [what, source] of Object.entries(changed)) {
      expect(source, what).not.toBe(browserBuild);
      expect(() => pdfkitTextOnly(source), what).toThrow(/pdfkit.browser.mjs no longer has .* lib\/pdfkit-text-only.ts/);
    }
  });
});
