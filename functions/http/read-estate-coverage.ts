import { requireEnvironment } from '../aws/environment.js';
import { readEstateCoverage } from '../aws/estate-coverage.js';
import { tableArnTemplateFrom } from '../domain/evidence/estate-coverage.js';
import { VerificationPeriodQuery } from '../domain/evidence/verification-period.js';
import { requireRole } from './authorization.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * GET /evidence/coverage?from=&to=: every resource AWS Backup protects and every DynamoDB table, per type, against the
 * drill runs of the period (drilled only by a run that passed every check).
 */
export const handler = apiHandler(async (event, context) => {
  requireRole(event, 'readEvidence');
  const period = parseQueryParameters(event, VerificationPeriodQuery);
  // The tables are this function's account and region's: their ARNs follow from its own.
  return jsonResponse(200, await readEstateCoverage(tableName, period, tableArnTemplateFrom(context.invokedFunctionArn)));
});
