import { requireEnvironment } from '../aws/environment.js';
import { listUnreviewed } from '../aws/evidence-sign-off.js';
import { VerificationPeriodQuery } from '../domain/evidence/verification-period.js';
import { requireRole } from './authorization.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /evidence/unreviewed?from=&to=: finished live incidents and drill runs of the period awaiting a sign-off. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readEvidence');
  const period = parseQueryParameters(event, VerificationPeriodQuery);
  const unreviewed = await listUnreviewed(tableName, period);
  return jsonResponse(200, { period, count: unreviewed.length, unreviewed });
});
