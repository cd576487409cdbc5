import { requireEnvironment } from '../aws/environment.js';
import { digestStoreAt } from '../aws/digest-store.js';
import { verifyEvidence } from '../aws/evidence-verification.js';
import { VerificationPeriodQuery } from '../domain/evidence/verification-period.js';
import { requireRole } from './authorization.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const digestStore = digestStoreAt(requireEnvironment('EVIDENCE_DIGEST_STORE'));

/** GET /evidence/verify?from=&to=: every chain of the period recomputed and held to the write-once digests. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readEvidence');
  const period = parseQueryParameters(event, VerificationPeriodQuery);
  return jsonResponse(200, await verifyEvidence(tableName, period, digestStore));
});
