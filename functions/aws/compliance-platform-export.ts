import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { exportSummaryDocument, exportZipDocument, exportZipMismatch } from '../domain/compliance-platform/export-document.js';
import type { EvidenceDocument } from '../domain/compliance-platform/evidence-document.js';
import type { ExportReference } from '../domain/compliance-platform/push-plan.js';
import type { ExportRecord } from '../domain/evidence/export-job.js';
import { evidenceExportPk, META_SK } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamodb } from './dynamodb-client.js';
import { s3 } from './s3-client.js';

/** The evidence is not what was exported (a changed or missing zip): recorded, never pushed, never retried on its own. */
export class EvidenceRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EvidenceRefused';
  }
}

export interface ExportDocuments {
  /** The signed zip itself (Vanta's document). */
  readonly zip: EvidenceDocument;
  /** A page naming the zip by its SHA-256 (Drata's evidence library takes no zip). */
  readonly summary: EvidenceDocument;
  /** When the export was made (Drata's filed date). */
  readonly filedAt: string;
}

/**
 * The export's documents, read once per push run: the zip from the exports bucket, held to the SHA-256 its record
 * holds (written by the export function when it signed the manifest) and the push names. Anything else throws EvidenceRefused.
 */
export function exportDocuments(tableName: string, bucket: string, reference: ExportReference): () => Promise<ExportDocuments> {
  let read: Promise<ExportDocuments> | undefined;
  return () => (read ??= readExportDocuments(tableName, bucket, reference));
}

async function readExportDocuments(tableName: string, bucket: string, reference: ExportReference): Promise<ExportDocuments> {
  const record = await readExportRecord(tableName, reference.id);
  const early = exportZipMismatch(reference, record, reference.zipSha256);
  if (early) throw new EvidenceRefused(early);
  const zip = await readZip(bucket, reference.zipKey);
  const refused = exportZipMismatch(reference, record, zip && createHash('sha256').update(zip).digest('hex'));
  if (refused) throw new EvidenceRefused(refused);
  const exported = record as ExportRecord;
  return { zip: exportZipDocument(exported, zip!), summary: await exportSummaryDocument(exported), filedAt: exported.completedAt ?? exported.requestedAt };
}

/** The export's record (read here, not through evidence-export-jobs.ts, which would bring the Step Functions client into the push's bundle). */
async function readExportRecord(tableName: string, exportId: string): Promise<ExportRecord | undefined> {
  const { partitionKey, sortKey } = tableDesign;
  const { Item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [partitionKey]: evidenceExportPk(exportId), [sortKey]: META_SK }, ConsistentRead: true }));
  return Item as ExportRecord | undefined;
}

async function readZip(bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body!.transformToByteArray();
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}
