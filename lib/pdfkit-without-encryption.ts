import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/*
 * pdfkit's browser build (what the bundles draw PDFs with, lib/functions.ts) always reaches its encryption: the
 * document's constructor calls PDFSecurity.create, whose class holds every revision's key derivation, and through it
 * SHA-1/256/384/512, RIPEMD-160 and AES (@noble/ciphers), about 22 KB of each PDF function. irdr draws no encrypted
 * PDF (no ownerPassword or userPassword anywhere), so the class keeps what an unencrypted document runs, the file id
 * (an MD5 of the info, as is), and refuses a password instead of encrypting with it.
 */

/** The pdfkit build whose PDFSecurity class is cut down. */
export const PDFKIT_BROWSER_BUILD = /[\\/]node_modules[\\/]pdfkit[\\/]js[\\/]pdfkit\.browser\.mjs$/;

/** What the cut-down class says to a caller that asks for encryption. */
export const NO_ENCRYPTION_MESSAGE = "irdr's function bundles draw no encrypted PDF: pdfkit's encryption is left out (lib/pdfkit-without-encryption.ts)";

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
    throw new Error('pdfkit.browser.mjs no longer has the PDFSecurity class lib/pdfkit-without-encryption.ts cuts down: check the new pdfkit and adapt it');
  }
  const cutDown = `\nclass PDFSecurity {${fileId[0]}  static create(document, options = {}) {\n    if (!options.ownerPassword && !options.userPassword) {\n      return null;\n    }\n    throw new Error(${JSON.stringify(NO_ENCRYPTION_MESSAGE)});\n  }\n}\n`;
  return source.slice(0, start) + cutDown + source.slice(classEnd + 3);
}

/** The esbuild plugin that loads pdfkit's browser build through pdfkitWithoutEncryption. */
export const pdfkitWithoutEncryptionPlugin: Plugin = {
  name: 'irdr-pdfkit-without-encryption',
  setup(build) {
    build.onLoad({ filter: PDFKIT_BROWSER_BUILD }, async ({ path }) => ({ contents: pdfkitWithoutEncryption(await readFile(path, 'utf8')), loader: 'js' }));
  },
};
