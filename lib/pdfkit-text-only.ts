import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { replaceOnce } from './source-cuts.js';

/*
 * pdfkit's browser build (what the bundles draw PDFs with, lib/functions.ts) is one module whose document class
 * reaches all it can draw. irdr draws text in the standard fonts, with attached files (functions/domain/pdf/text-pdf.ts):
 * - no encryption (no ownerPassword or userPassword anywhere): the constructor calls PDFSecurity.create, whose class
 *   holds every revision's key derivation, and through it SHA-1/256/384/512, RIPEMD-160 and AES (@noble/ciphers),
 *   about 22 KB. The class keeps what an unencrypted document runs, the file id (an MD5 of the info, as is), and
 *   refuses a password instead of encrypting with it;
 * - no images, tables or SVG paths: openImage, table and path refuse, so the JPEG and PNG readers (png-js), PDFTable
 *   and the SVG path parser go.
 */

/** The pdfkit build that is cut down. */
export const PDFKIT_BROWSER_BUILD = /[\\/]node_modules[\\/]pdfkit[\\/]js[\\/]pdfkit\.browser\.mjs$/;

/** What the cut-down document says to a caller that asks for what is left out. */
export const leftOutMessage = (what: string): string => `left out: pdfkit's ${what} (irdr's function bundles draw text and attached files only, lib/pdfkit-text-only.ts)`;

/** source with `from` (found exactly once) written as `to`; throws, naming it, if pdfkit no longer has it. */
const replacedOnce = (source: string, from: string, to: string, why: string): string => replaceOnce(source, from, to, { file: 'pdfkit.browser.mjs', why, owner: 'lib/pdfkit-text-only.ts' });

/** The build's source cut to what irdr draws (see above): fails if pdfkit no longer has the shape each cut relies on. */
export function pdfkitTextOnly(source: string): string {
  const withoutImages = replacedOnce(source, 'image = PDFImage.open(src, `I${++this._imageCount}`);', `throw new Error(${JSON.stringify(leftOutMessage('images'))});`, 'images');
  const withoutTables = replacedOnce(withoutImages, 'return new PDFTable(this, opts);', `throw new Error(${JSON.stringify(leftOutMessage('tables'))});`, 'tables');
  const withoutPaths = replacedOnce(withoutTables, 'SVGPath.apply(this, path);', `throw new Error(${JSON.stringify(leftOutMessage('SVG paths'))});`, 'SVG paths');
  return pdfkitWithoutEncryption(withoutPaths);
}

/**
 * The build's source with PDFSecurity reduced to generateFileID (its own text, unchanged) and a create() that returns
 * null, as pdfkit's does, for a document without passwords and throws for one with. Throws if the build no longer has
 * the shape this relies on (a pdfkit upgrade): the bundle then fails to build rather than ship something unchecked.
 */
export function pdfkitWithoutEncryption(source: string): string {
  const start = source.indexOf('\nclass PDFSecurity {\n');
  const end = source.indexOf('\n  static generateRandomWordArray(', start);
  const fileId = /\n {2}static generateFileID\(info = \{\}\) \{\n[\s\S]*?\n {2}\}\n/.exec(source.slice(start, end + 1));
  const create = '\n  static create(document, options = {}) {\n    if (!options.ownerPassword && !options.userPassword) {\n      return null;\n    }\n    return new PDFSecurity(document, options);\n  }\n';
  const classEnd = source.indexOf('\n}\n', end);
  if (start < 0 || end < 0 || !fileId || !source.slice(end, classEnd).includes(create) || !source.includes('PDFSecurity.generateFileID(this.info);\n    this._security = PDFSecurity.create(this, options);')) {
    throw new Error('pdfkit.browser.mjs no longer has the PDFSecurity class lib/pdfkit-text-only.ts cuts down: check the new pdfkit and adapt it');
  }
  const cutDown = `\nclass PDFSecurity {${fileId[0]}  static create(document, options = {}) {\n    if (!options.ownerPassword && !options.userPassword) {\n      return null;\n    }\n    throw new Error(${JSON.stringify(leftOutMessage('encryption'))});\n  }\n}\n`;
  return source.slice(0, start) + cutDown + source.slice(classEnd + 3);
}

/** The esbuild plugin that loads pdfkit's browser build through pdfkitTextOnly. */
export const pdfkitTextOnlyPlugin: Plugin = {
  name: 'irdr-pdfkit-text-only',
  setup(build) {
    build.onLoad({ filter: PDFKIT_BROWSER_BUILD }, async ({ path }) => ({ contents: pdfkitTextOnly(await readFile(path, 'utf8')), loader: 'js' }));
  },
};
