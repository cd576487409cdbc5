import { Zip, ZipDeflate } from 'fflate';
import Negotiator from 'negotiator';
import { MANIFEST_FILE, contentBlocks, contentText, manifestText, type ExportFile, type ExportManifest, type FileContent } from './export-manifest.js';
import type { EvidencePeriod } from './exported-trail.js';

/** What GET /evidence can answer with, by the media type asked for in Accept (JSON when the caller does not say). */
export const EXPORT_MEDIA_TYPES = {
  json: 'application/json',
  zip: 'application/zip',
  html: 'text/html',
} as const;
export type ExportFormat = keyof typeof EXPORT_MEDIA_TYPES;

/** The format the Accept header prefers, or undefined when it accepts none of them (a 406). */
export function negotiateExportFormat(accept: string | undefined): ExportFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'json';
  const preferred = new Negotiator({ headers: { accept } }).mediaType(Object.values(EXPORT_MEDIA_TYPES));
  return (Object.keys(EXPORT_MEDIA_TYPES) as ExportFormat[]).find((format) => EXPORT_MEDIA_TYPES[format] === preferred);
}

export interface ExportResponse {
  readonly contentType: string;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** `irdr-evidence_<from>_<to>` (basic ISO 8601, whole seconds): the folder the zip unpacks into and the file it downloads as. */
export function exportBaseName(period: EvidencePeriod): string {
  const stamp = (time: string) => time.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `irdr-evidence_${stamp(period.from)}_${stamp(period.to)}`;
}

const ZIP_BLOCK_BYTES = 1_048_576;

/** The export folder (its files and the manifest) as one zip: what `irdr evidence check-export` checks once unpacked. */
export function exportZip(period: EvidencePeriod, files: readonly ExportFile[], manifest: ExportManifest): Buffer {
  const folder = exportBaseName(period);
  const zipped: Uint8Array[] = [];
  let failure: Error | undefined;
  // Streamed: each file is deflated a block at a time from the pieces it was made of (a listing's items), never joined whole.
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else zipped.push(chunk);
  });
  const add = (name: string, content: FileContent) => {
    const entry = new ZipDeflate(`${folder}/${name}`, { level: 6 });
    zip.add(entry);
    // A listing's items (~25 KB each) a megabyte at a time: fflate's deflate is ~1.4x slower fed item by item.
    for (const block of contentBlocks(content, ZIP_BLOCK_BYTES)) entry.push(block);
    entry.push(new Uint8Array(0), true);
  };
  for (const { name, content } of files) add(name, content);
  add(MANIFEST_FILE, Buffer.from(manifestText(manifest), 'utf8'));
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(zipped);
}

/**
 * The export as one response body. json: the manifest and each file's text (every file is UTF-8);
 * zip: a folder that `irdr evidence check-export` checks as it stands once unpacked; html: the report alone.
 */
export function exportResponse(format: ExportFormat, period: EvidencePeriod, files: readonly ExportFile[], manifest: ExportManifest): ExportResponse {
  const integrity = { 'x-irdr-manifest-signature': manifest.signature ? `Ed25519 ${manifest.signature.keyFingerprint}` : 'unsigned' };
  if (format === 'html') {
    const report = files.find(({ name }) => name === 'report.html');
    if (!report) throw new Error('the export has no report.html');
    return { contentType: 'text/html; charset=utf-8', body: contentText(report.content), isBase64Encoded: false, headers: integrity };
  }
  if (format === 'zip') {
    const folder = exportBaseName(period);
    return {
      contentType: EXPORT_MEDIA_TYPES.zip,
      body: exportZip(period, files, manifest).toString('base64'),
      isBase64Encoded: true,
      headers: { ...integrity, 'content-disposition': `attachment; filename="${folder}.zip"` },
    };
  }
  const body = JSON.stringify({ manifest, files: files.map(({ name, content }) => ({ name, content: contentText(content) })) });
  return { contentType: EXPORT_MEDIA_TYPES.json, body, isBase64Encoded: false, headers: integrity };
}
