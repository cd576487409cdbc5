import { requireEnvironment } from '../aws/environment.js';
import { readEstateCoverage } from '../aws/estate-coverage.js';
import { EstateCoverageQuery, filterEstateRows, tableArnTemplateFrom } from '../domain/evidence/estate-coverage.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, lambdaResponseBytes } from '../domain/lambda-limits.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * GET /evidence/coverage?from=&to=[&type=][&status=]: every resource AWS Backup protects and every DynamoDB table, per
 * type, against the drill runs of the period (drilled only by a run that passed every check).
 */
export const handler = apiHandler(async (event, context) => {
  requireRole(event, 'readEvidence');
  const { type, status, ...period } = parseQueryParameters(event, EstateCoverageQuery);
  // The tables are this function's account and region's: their ARNs follow from its own.
  const coverage = await readEstateCoverage(tableName, period, tableArnTemplateFrom(context.invokedFunctionArn));
  const result = jsonResponse(200, filterEstateRows(coverage, { ...(type !== undefined && { type }), ...(status !== undefined && { status }) }));
  const bytes = lambdaResponseBytes(result);
  if (bytes > LAMBDA_RESPONSE_LIMIT_BYTES) {
    throw new HttpError(
      422,
      `the coverage of ${coverage.rows.length} resources is ${megabytes(bytes)}, over the ${megabytes(LAMBDA_RESPONSE_LIMIT_BYTES)} an API response can carry: ` +
        'ask for one type (&type=S3) or status (&status=not-drilled), or run irdr evidence coverage, which has no limit',
      { bytes, limitBytes: LAMBDA_RESPONSE_LIMIT_BYTES, byType: coverage.byType },
    );
  }
  return result;
});
