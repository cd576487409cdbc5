import type { Context } from 'aws-lambda';
import * as z from '../domain/zod.js';
import { requireEnvironment } from '../aws/environment.js';
import { bundledControlMapping } from '../aws/evidence-controls.js';
import { queueCompliancePush } from '../aws/compliance-platform-trigger.js';
import { collectExportMonth, completeEvidenceExport, endEvidenceExport, type CollectedMonth } from '../aws/evidence-export-jobs.js';
import { estateInventory } from '../aws/estate-coverage.js';
import { kmsEd25519Signer } from '../aws/kms-ed25519-signer.js';
import { tableArnTemplateFrom } from '../domain/evidence/estate-coverage.js';
import { EXPORT_ID_PATTERN, failureReason } from '../domain/evidence/export-job.js';

const tableName = requireEnvironment('TABLE_NAME');
const bucket = requireEnvironment('EVIDENCE_EXPORT_BUCKET');
const signer = kmsEd25519Signer(requireEnvironment('EVIDENCE_EXPORT_SIGNING_KEY_ID'));
const controls = bundledControlMapping();

const Period = z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() });
const Step = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('collect-month'), exportId: z.string().check(z.regex(EXPORT_ID_PATTERN)), month: z.extend(Period, { month: z.string().check(z.regex(/^\d{4}-\d{2}$/)) }) }),
  z.strictObject({
    step: z.literal('complete'),
    exportId: z.string().check(z.regex(EXPORT_ID_PATTERN)),
    period: Period,
    parts: z.array(z.strictObject({ month: z.string(), key: z.string(), incidents: z.number(), drillRuns: z.number(), events: z.number() })),
  }),
  z.strictObject({ step: z.literal('fail'), exportId: z.string().check(z.regex(EXPORT_ID_PATTERN)), period: Period, failure: z.partial(z.object({ Error: z.unknown(), Cause: z.unknown() })) }),
]);

/** The export state machine's steps: collect one month (a Map iteration), render-sign-zip the parts, or record the failure. */
export async function handler(event: unknown, context: Context): Promise<CollectedMonth | { status: string }> {
  const input = Step.parse(event);
  const actor = `lambda:${context.functionName}`;
  if (input.step === 'collect-month') return collectExportMonth(tableName, bucket, input.exportId, input.month);
  if (input.step === 'complete') {
    const record = await completeEvidenceExport({
      tableName,
      bucket,
      exportId: input.exportId,
      period: input.period,
      parts: input.parts,
      controls,
      signer,
      // The tables are this function's account and region's: their ARNs follow from its own.
      inventory: () => estateInventory(tableArnTemplateFrom(context.invokedFunctionArn)),
      actor,
    });
    // Each exported period goes to the compliance platforms too: by reference, as the zip is too big for the queue or an invoke.
    if (record.zipKey !== undefined && record.zipSha256 !== undefined) {
      await queueCompliancePush({ kind: 'evidence-export', id: record.exportId, zipKey: record.zipKey, zipSha256: record.zipSha256 }, record.completedAt ?? new Date().toISOString());
    }
    return { status: record.status };
  }
  await endEvidenceExport(tableName, input.exportId, input.period, { failure: failureReason(input.failure), at: new Date().toISOString(), actor });
  return { status: 'failed' };
}
