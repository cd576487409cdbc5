import type { Context } from 'aws-lambda';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { requireEnvironment } from '../aws/environment.js';
import { bundledControlMapping } from '../aws/evidence-controls.js';
import { estateInventory } from '../aws/estate-coverage.js';
import { buildEvidenceExport } from '../aws/evidence-export.js';
import { kmsEd25519Signer } from '../aws/kms-ed25519-signer.js';
import { tableArnTemplateFrom } from '../domain/evidence/estate-coverage.js';
import { ExportDeadlineReached, exportDeadlineGuard, trailNoun } from '../domain/evidence/export-deadline.js';
import { EXPORT_MEDIA_TYPES, exportResponse, negotiateExportFormat } from '../domain/evidence/export-response.js';
import { VerificationPeriodQuery } from '../domain/evidence/verification-period.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, lambdaResponseBytes } from '../domain/lambda-limits.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { configuredPlanAliases, statementHandler } from './evidence-statement.js';
import { apiHandler, headerValue, parseQueryParameters, type ApiEvent, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const signer = kmsEd25519Signer(requireEnvironment('EVIDENCE_SIGNING_KEY_ID'));
const controls = bundledControlMapping();
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** What is kept of the invocation's 29 s for building, zipping, signing and answering once the trails are read. */
const EXPORT_RESERVE_MS = 10_000;
const CLI_EXPORT = 'run irdr evidence export --from --to --out DIR, which has no limit';

/**
 * GET /evidence?from=&to=: the period's evidence export, its manifest signed with the KMS key. Accept picks the form:
 * application/json (default), application/zip (the export folder), text/html (the report alone).
 */
const exportHandler = apiHandler(async (event, context) => {
  requireRole(event, 'exportEvidence');
  const period = parseQueryParameters(event, VerificationPeriodQuery);
  const format = negotiateExportFormat(headerValue(event, 'accept'));
  if (!format) throw new HttpError(406, `GET /evidence answers with ${Object.values(EXPORT_MEDIA_TYPES).join(', ')}: ask for one of them in Accept`);
  const { files, manifest } = await buildEvidenceExport(
    tableName,
    period,
    controls,
    signer,
    exportDeadlineGuard(() => context.getRemainingTimeInMillis(), EXPORT_RESERVE_MS),
    undefined,
    // The tables are this function's account and region's: their ARNs follow from its own.
    () => estateInventory(tableArnTemplateFrom(context.invokedFunctionArn)),
  ).catch((error: unknown) => {
    if (!(error instanceof ExportDeadlineReached)) throw error;
    const { phase, collected, total } = error.progress;
    throw new HttpError(
      422,
      `the export of ${period.from} .. ${period.to} holds more than one API call can read in time (API Gateway waits 30 s; ` +
        `${collected} of ${total} ${trailNoun(phase)} trails were read): ask for a shorter period, or ${CLI_EXPORT}`,
      { phase, trailsRead: collected, trailsInPhase: total },
    );
  });
  const response = exportResponse(format, period, files, manifest);
  const result: ApiResult = {
    statusCode: 200,
    headers: { 'content-type': response.contentType, ...response.headers },
    body: response.body,
    isBase64Encoded: response.isBase64Encoded,
  };
  const bytes = lambdaResponseBytes(result);
  if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) {
    const smaller = format === 'zip' ? '' : ' ask for application/zip (compressed), or';
    throw new HttpError(
      422,
      `the export of ${period.from} .. ${period.to} as ${response.contentType} is ${megabytes(bytes)}, over the ${megabytes(LAMBDA_RESPONSE_LIMIT_BYTES)} ` +
        `an API response can carry:${smaller} ask for a shorter period, or ${CLI_EXPORT}`,
      { bytes, limitBytes: LAMBDA_RESPONSE_LIMIT_BYTES, trails: manifest.trails },
    );
  }
  return result;
});

/** GET /evidence/statement: the continuity statement, here because it is signed with the export's key, whose one signer is this function. */
const continuityStatementHandler = statementHandler(() => ({ tableName, plans: bundledDrillPlans(), aliases: configuredPlanAliases(), controls, signer }));

export const handler = (event: ApiEvent, context: Context) =>
  event.routeKey === 'GET /evidence/statement' ? continuityStatementHandler(event, context) : exportHandler(event, context);
