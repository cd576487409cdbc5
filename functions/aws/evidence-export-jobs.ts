import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ControlMapping } from '../domain/evidence/control-summary.js';
import type { EstateInventory } from '../domain/evidence/estate-coverage.js';
import { EVIDENCE_EXPORT_TIMEOUT_SECONDS, exportMonths, exportPartKey, exportZipKey, DOWNLOAD_URL_SECONDS, type ExportMonth, type ExportRecord } from '../domain/evidence/export-job.js';
import type { ManifestSigner } from '../domain/evidence/export-manifest.js';
import { exportBaseName, exportZip } from '../domain/evidence/export-response.js';
import { exportedDrillRunOf, exportedIncidentOf, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident, type ListedTrail } from '../domain/evidence/exported-trail.js';
import { listedArray } from '../domain/evidence/listing-json.js';
import type { DrillRunRecord } from '../domain/drill/run-record.js';
import type { Incident } from '../domain/incident.js';
import { evidenceExportPk, META_SK, RUNNING_EXPORT_SK, runningExportPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { appendEvent } from './event-trail.js';
import { collectDrillRunEvidence, collectIncidentEvidence } from './evidence-collection.js';
import { renderEvidenceExport } from './evidence-export.js';
import { s3 } from './s3-client.js';
import { presignedGetUrl } from './s3-presign.js';
import { stepFunctions } from './sfn-client.js';

/*
 * Asynchronous evidence exports: POST /evidence/exports starts one (a record, the period's running-export marker, an
 * execution of the export state machine), the state machine collects each month into a part in the exports bucket,
 * then renders, signs and zips them (the one rendering GET /evidence and the CLI use); GET /evidence/exports/{id} reads
 * the record and issues a short-lived download link, recorded in the export's trail.
 */

const { partitionKey: PK, sortKey: SK } = tableDesign;
/** The export state machine's own TimeoutSeconds: no execution runs longer. */
const EXPORT_CLAIM_LIFETIME_MS = EVIDENCE_EXPORT_TIMEOUT_SECONDS * 1000;

export interface ExportStart {
  readonly record: ExportRecord;
  /** False when an export of the same period was already running: this is that one, and nothing was started. */
  readonly started: boolean;
}

/** Starts an export of the period, or returns the one of the same period that is running. */
export async function startEvidenceExport(options: {
  tableName: string;
  stateMachineArn: string;
  period: EvidencePeriod;
  requestedBy: string;
  exportId: string;
  now: string;
}): Promise<ExportStart> {
  const { tableName, period, exportId } = options;
  const months = exportMonths(period);
  try {
    // Claims the period: one running export of it at a time.
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: runningExportPk(period), [SK]: RUNNING_EXPORT_SK },
        UpdateExpression: 'SET exportId = :id, running = :true, claimedAt = :now',
        // A claim older than the state machine's own timeout belongs to an execution that ended without its Catch (aborted by hand).
        ConditionExpression: 'attribute_not_exists(#pk) OR running = :false OR claimedAt < :stale',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':id': exportId, ':true': true, ':false': false, ':now': options.now, ':stale': new Date(Date.parse(options.now) - EXPORT_CLAIM_LIFETIME_MS).toISOString() },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { record: await recordOfClaim(tableName, period), started: false };
  }
  const record: ExportRecord = { exportId, period, requestedBy: options.requestedBy, requestedAt: options.now, status: 'running', months: months.length, monthsDone: {} };
  try {
    await dynamodb.send(new PutCommand({ TableName: tableName, Item: { [PK]: evidenceExportPk(exportId), [SK]: META_SK, ...record }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }));
    await appendEvent(tableName, evidenceExportPk(exportId), { type: 'export.requested', at: options.now, actor: options.requestedBy, detail: { period, months: months.length } });
    await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, name: exportId, input: JSON.stringify({ exportId, period, months }) }));
  } catch (error) {
    // Nothing runs: the record says why and the period is free again.
    await endEvidenceExport(tableName, exportId, period, { failure: `${(error as Error).name}: ${(error as Error).message}`, at: new Date().toISOString(), actor: options.requestedBy }).catch(() => undefined);
    throw error;
  }
  return { record, started: true };
}

/** How long a second start waits for the record of an export that has just claimed the period (written right after its claim). */
const CLAIMED_RECORD_WAIT_MS = 2_000;

/** The period is claimed by an export whose record did not appear (its start is under way, or died between claim and record). */
export class ExportPeriodClaimedError extends Error {
  override name = 'ExportPeriodClaimed';
  constructor(
    readonly exportId: string,
    readonly claimedAt: string,
    readonly freeAfter: string,
  ) {
    super(`export ${exportId} claimed this period at ${claimedAt} and has no record yet`);
  }
}

/** The record of the export holding the period's claim: a racing start wrote its claim first, its record a moment later. */
async function recordOfClaim(tableName: string, period: EvidencePeriod): Promise<ExportRecord> {
  const deadline = Date.now() + CLAIMED_RECORD_WAIT_MS;
  for (;;) {
    const claim = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: runningExportPk(period), [SK]: RUNNING_EXPORT_SK }, ConsistentRead: true }));
    const exportId = String(claim.Item?.exportId);
    const record = await readExportRecord(tableName, exportId);
    if (record) return record;
    if (Date.now() >= deadline) {
      const claimedAt = String(claim.Item?.claimedAt);
      throw new ExportPeriodClaimedError(exportId, claimedAt, new Date(Date.parse(claimedAt) + EXPORT_CLAIM_LIFETIME_MS).toISOString());
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function readExportRecord(tableName: string, exportId: string): Promise<ExportRecord | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: evidenceExportPk(exportId), [SK]: META_SK }, ConsistentRead: true }));
  if (!Item) return undefined;
  const { [PK]: _pk, [SK]: _sk, ...record } = Item;
  return record as ExportRecord;
}

/** What one month's part holds: the month's incidents and drill runs, each with its trail's verdict and every event, as listed. */
interface ExportPart {
  readonly incidents: readonly { incident: Incident; trail: ListedTrail }[];
  readonly drillRuns: readonly { run: DrillRunRecord; trail: ListedTrail }[];
}

/** A part's JSON, `{"incidents": [...], "drillRuns": [...]}`, made of the items as rendered for the listings. */
const partBody = (incidents: readonly ExportedIncident[], drillRuns: readonly ExportedDrillRun[]): Buffer =>
  Buffer.concat([Buffer.from('{"incidents":', 'utf8'), listedArray(incidents.map(({ listed }) => listed)), Buffer.from(',"drillRuns":', 'utf8'), listedArray(drillRuns.map(({ listed }) => listed)), Buffer.from('}', 'utf8')]);

/** What a collected month hands on to the rendering step (small: the Map's output stays far under 256 KB). */
export interface CollectedMonth {
  readonly month: string;
  readonly key: string;
  readonly incidents: number;
  readonly drillRuns: number;
  readonly events: number;
}

/** One Map iteration: the month's trails read and verified, written as a part, the record's progress counted. */
export async function collectExportMonth(tableName: string, bucket: string, exportId: string, month: ExportMonth): Promise<CollectedMonth> {
  const incidents = await collectIncidentEvidence(tableName, month);
  const drillRuns = await collectDrillRunEvidence(tableName, month);
  const key = exportPartKey(exportId, month.month);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: partBody(incidents, drillRuns), ContentType: 'application/json' }));
  const events = [...incidents, ...drillRuns].reduce((sum, { trail }) => sum + trail.facts.events, 0);
  const markDone = () =>
    dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: evidenceExportPk(exportId), [SK]: META_SK },
        // SET of the month's entry, not ADD: Step Functions retries a step whose part and count were already written.
        UpdateExpression: 'SET monthsDone.#month = :events',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK, '#month': month.month },
        ExpressionAttributeValues: { ':events': events },
      }),
    );
  try {
    await markDone();
  } catch (error) {
    // An export started before monthsDone existed (counted with ADD) has no map to set an entry in: made, then set.
    if ((error as Error).name !== 'ValidationException') throw error;
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: evidenceExportPk(exportId), [SK]: META_SK },
        UpdateExpression: 'SET monthsDone = if_not_exists(monthsDone, :none)',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':none': {} },
      }),
    );
    await markDone();
  }
  return { month: month.month, key, incidents: incidents.length, drillRuns: drillRuns.length, events };
}

/** The rendering step: every part read back in month order, rendered and signed as GET /evidence does, zipped into the bucket. */
export async function completeEvidenceExport(options: {
  tableName: string;
  bucket: string;
  exportId: string;
  period: EvidencePeriod;
  parts: readonly CollectedMonth[];
  controls: ControlMapping;
  signer: ManifestSigner;
  inventory?: () => Promise<EstateInventory>;
  actor: string;
}): Promise<ExportRecord> {
  const { tableName, bucket, exportId, period } = options;
  const incidents: ExportedIncident[] = [];
  const drillRuns: ExportedDrillRun[] = [];
  for (const part of [...options.parts].sort((a, b) => a.month.localeCompare(b.month))) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: part.key }));
    const read = JSON.parse(await object.Body!.transformToString('utf8')) as ExportPart;
    for (const { incident, trail } of read.incidents) incidents.push(exportedIncidentOf(incident, trail));
    for (const { run, trail } of read.drillRuns) drillRuns.push(exportedDrillRunOf(run, trail));
  }
  const generatedAt = new Date().toISOString();
  const built = await renderEvidenceExport({ tableName, period, controls: options.controls, generatedAt, incidents, drillRuns }, options.signer, options.inventory);
  // Never a link to an unsigned export: the signer failing ends the export as failed, before any zip exists.
  if (!built.manifest.signature) throw new Error('the manifest is not signed');
  const zip = exportZip(period, built.files, built.manifest);
  const zipKey = exportZipKey(exportId, exportBaseName(period));
  const zipSha256 = createHash('sha256').update(zip).digest('hex');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: zipKey, Body: zip, ContentType: 'application/zip', ChecksumAlgorithm: 'SHA256' }));
  const done = {
    status: 'completed' as const,
    completedAt: generatedAt,
    zipKey,
    zipBytes: zip.length,
    zipSha256,
    keyFingerprint: built.manifest.signature.keyFingerprint,
    trails: { total: built.manifest.trails.total, broken: built.manifest.trails.broken },
  };
  await endEvidenceExport(tableName, exportId, period, { ...done, at: generatedAt, actor: options.actor });
  return { ...(await readExportRecord(tableName, exportId))!, ...done };
}

type ExportEnd =
  | { readonly failure: string; readonly at: string; readonly actor: string }
  | { readonly status: 'completed'; readonly completedAt: string; readonly zipKey: string; readonly zipBytes: number; readonly zipSha256: string; readonly keyFingerprint: string; readonly trails: ExportRecord['trails']; readonly at: string; readonly actor: string };

/** Records how the export ended (in its record and its trail) and frees its period for the next export. */
export async function endEvidenceExport(tableName: string, exportId: string, period: EvidencePeriod, end: ExportEnd): Promise<void> {
  const { at, actor, ...fields } = end;
  const set = 'failure' in fields ? { status: 'failed', completedAt: at, failure: fields.failure } : fields;
  const names = Object.keys(set);
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: evidenceExportPk(exportId), [SK]: META_SK },
      // Only a running export ends: a failure recorded late never overwrites a completed one.
      UpdateExpression: `SET ${names.map((name, index) => `#f${index} = :v${index}`).join(', ')}`,
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { ...Object.fromEntries(names.map((name, index) => [`#f${index}`, name])), '#status': 'status' },
      ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, index) => [`:v${index}`, (set as Record<string, unknown>)[name]])), ':running': 'running' },
    }),
  ).catch((error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  });
  const detail = 'failure' in fields ? { failure: fields.failure } : { zipSha256: fields.zipSha256, zipBytes: fields.zipBytes, keyFingerprint: fields.keyFingerprint, trails: fields.trails };
  await appendEvent(tableName, evidenceExportPk(exportId), { type: 'failure' in fields ? 'export.failed' : 'export.completed', at, actor, detail });
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: runningExportPk(period), [SK]: RUNNING_EXPORT_SK },
      UpdateExpression: 'SET running = :false',
      ConditionExpression: 'exportId = :id',
      ExpressionAttributeValues: { ':false': false, ':id': exportId },
    }),
  ).catch((error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  });
}

/**
 * A presigned GET of the finished export's zip, valid DOWNLOAD_URL_SECONDS, recorded in the export's trail before it
 * is given out. Signed with this function's own credentials: the link can do what the function may, on that key only.
 */
export async function issueDownloadUrl(tableName: string, bucket: string, record: ExportRecord, actor: string, now: Date): Promise<{ url: string; expiresAt: string }> {
  if (record.status !== 'completed' || !record.zipKey) throw new Error(`export ${record.exportId} is ${record.status}: no download`);
  const expiresAt = new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  await appendEvent(tableName, evidenceExportPk(record.exportId), { type: 'export.download-issued', at: now.toISOString(), actor, detail: { expiresAt, zipSha256: record.zipSha256 } });
  return { url: await presignedGetUrl(bucket, record.zipKey, DOWNLOAD_URL_SECONDS, now), expiresAt };
}
