import { randomUUID } from 'node:crypto';
import { requireEnvironment } from '../aws/environment.js';
import { ExportPeriodClaimedError, issueDownloadUrl, readExportRecord, startEvidenceExport } from '../aws/evidence-export-jobs.js';
import { ExportRequest, exportView, newExportId } from '../domain/evidence/export-job.js';
import { authorize, rolesOf } from '../domain/roles.js';
import { requireRole, rolePrincipals } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const stateMachineArn = requireEnvironment('EVIDENCE_EXPORT_STATE_MACHINE_ARN');
const bucket = requireEnvironment('EVIDENCE_EXPORT_BUCKET');

/**
 * POST /evidence/exports {from, to}: starts the export of any period (202 with its id), or answers with the export of
 * that period already running (200). GET /evidence/exports/{exportId}: its progress; once completed, for an auditor, a
 * short-lived download link to the signed zip (each link recorded in the export's trail). A failed export shows why.
 */
export const handler = apiHandler(async (event) => {
  const caller = requireRole(event, 'exportEvidence');
  if (event.routeKey === 'POST /evidence/exports') {
    const period = parseJsonBody(event, ExportRequest);
    const { record, started } = await startEvidenceExport({ tableName, stateMachineArn, period, requestedBy: caller.arn, exportId: newExportId(randomUUID()), now: new Date().toISOString() }).catch((error: unknown) => {
      if (!(error instanceof ExportPeriodClaimedError)) throw error;
      throw new HttpError(409, `an export of this period is being started (${error.message}): GET /evidence/exports/${error.exportId} or POST again in a moment; if it never appears, the period is free again from ${error.freeAfter}`, { exportId: error.exportId });
    });
    return { ...jsonResponse(started ? 202 : 200, { ...exportView(record), started }), headers: { 'content-type': 'application/json', location: `/evidence/exports/${record.exportId}` } };
  }
  const exportId = event.pathParameters?.exportId ?? '';
  const record = await readExportRecord(tableName, exportId);
  if (!record) throw new HttpError(404, `no evidence export ${exportId}: POST /evidence/exports starts one`);
  const view = exportView(record);
  if (record.status !== 'completed') return jsonResponse(200, view);
  // The download is the auditor's: a commander sees that it is done, not a link.
  if (!authorize('downloadEvidenceExport', caller.arn, rolesOf(caller.arn, rolePrincipals)).allowed) {
    return jsonResponse(200, { ...view, download: { available: false, reason: 'a download link is issued to the auditor role only' } });
  }
  const link = await issueDownloadUrl(tableName, bucket, record, caller.arn, new Date());
  return jsonResponse(200, { ...view, download: { available: true, ...link } });
});
