import { createHash } from 'node:crypto';
import type { ExportRecord } from '../evidence/export-job.js';
import { renderTextPdf } from '../pdf/text-pdf.js';
import type { EvidenceDocument } from './evidence-document.js';
import type { ExportReference } from './push-plan.js';

/*
 * An exported period's evidence as pushed: the signed zip itself to Vanta's document, and to Drata (whose evidence
 * library takes no zip) a PDF naming the zip by its SHA-256, so an auditor holds any copy of the export to it.
 */

/** Why the zip read from the bucket is not the export's (refused, never pushed), or undefined when it is. */
export function exportZipMismatch(reference: ExportReference, record: ExportRecord | undefined, zipSha256: string | undefined): string | undefined {
  if (!record) return `export ${reference.id} has no record`;
  if (record.status !== 'completed' || record.zipSha256 === undefined) return `export ${reference.id} is ${record.status}, with no signed zip`;
  if (record.zipKey !== reference.zipKey || record.zipSha256 !== reference.zipSha256) return `the push names ${reference.zipKey} (SHA-256 ${reference.zipSha256}), the export's record ${record.zipKey} (SHA-256 ${record.zipSha256})`;
  if (zipSha256 === undefined) return `${reference.zipKey} is not in the exports bucket`;
  if (zipSha256 !== record.zipSha256) return `${reference.zipKey} has SHA-256 ${zipSha256}, not the ${record.zipSha256} the export signed and recorded: it changed after the export`;
  return undefined;
}

const describe = (record: ExportRecord): string => `irdr evidence export ${record.exportId} of ${record.period.from} .. ${record.period.to}; zip SHA-256 ${record.zipSha256}`;

/** The zip as Vanta's document upload (bytes already held to the record's SHA-256). */
export function exportZipDocument(record: ExportRecord, zip: Uint8Array): EvidenceDocument {
  return { fileName: record.zipKey!.split('/').at(-1)!, contentType: 'application/zip', bytes: zip, sha256: record.zipSha256!, description: describe(record) };
}

/** A page naming the zip (period, SHA-256, size, signing key, trails): Drata's evidence library takes PDFs, not zips. */
export async function exportSummaryDocument(record: ExportRecord): Promise<EvidenceDocument> {
  const heading = `irdr evidence export ${record.exportId}`;
  const lines = [
    { heading },
    `Period ${record.period.from} to ${record.period.to}; completed ${record.completedAt}.`,
    `Trails: ${record.trails?.total ?? 0} hash-chained, ${record.trails?.broken ?? 0} broken. Manifest signed (Ed25519) by key ${record.keyFingerprint}.`,
    `The export is the zip ${record.zipKey!.split('/').at(-1)} (${record.zipBytes} bytes), SHA-256:`,
    record.zipSha256!,
    'Verify: sha256sum of any copy of the zip must give the hash above; irdr evidence check-export checks its signed manifest and every file.',
  ];
  // Dated by the export, not the clock: the same export renders the same bytes.
  const bytes = await renderTextPdf(lines, { title: heading, createdAt: new Date(record.completedAt ?? record.requestedAt) });
  return { fileName: `irdr-evidence-export-${record.exportId}-${record.zipSha256!.slice(0, 12)}.pdf`, contentType: 'application/pdf', bytes, sha256: createHash('sha256').update(bytes).digest('hex'), description: describe(record) };
}
