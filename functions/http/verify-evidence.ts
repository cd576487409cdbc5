import { requireEnvironment } from '../aws/environment.js';
import { digestStoreAt } from '../aws/digest-store.js';
import { verifyEvidence } from '../aws/evidence-verification.js';
import { kmsEd25519Signer } from '../aws/kms-ed25519-signer.js';
import { VerificationPeriodQuery } from '../domain/evidence/verification-period.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseQueryParameters } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const digestStore = digestStoreAt(requireEnvironment('EVIDENCE_DIGEST_STORE'));
// Only its public half is read (kms:GetPublicKey): every digest must verify against the key only the writer may sign with.
const digestKey = kmsEd25519Signer(requireEnvironment('EVIDENCE_DIGEST_SIGNING_KEY_ID'));
/** What is kept of the invocation's 29 s for the summary and the answer once the trails are verified. */
const VERIFY_RESERVE_MS = 3_000;

/** GET /evidence/verify?from=&to=: every chain of the period recomputed and held to the write-once digests. */
export const handler = apiHandler(async (event, context) => {
  requireRole(event, 'readEvidence');
  const period = parseQueryParameters(event, VerificationPeriodQuery);
  const soFar = { trails: 0, broken: 0 };
  const outOfTime = new Error('out of time');
  const digests = { store: digestStore, signerKey: await digestKey.publicKey() };
  const report = await verifyEvidence(tableName, period, digests, ({ problems }) => {
    soFar.trails += 1;
    if (problems.length > 0) soFar.broken += 1;
    // A verdict on part of the period would read as one on all of it: stop, and say so, before Lambda's timeout does.
    if (context.getRemainingTimeInMillis() < VERIFY_RESERVE_MS) throw outOfTime;
  }).catch((error: unknown) => {
    if (error !== outOfTime) throw error;
    throw new HttpError(
      422,
      `verifying ${period.from} .. ${period.to} takes longer than one API call may (API Gateway waits 30 s): ${soFar.trails} trails were verified, ` +
        `${soFar.broken} of them broken, before it stopped; ask for a shorter period, or run irdr evidence verify --from --to, which has no limit`,
      { trailsVerified: soFar.trails, brokenSoFar: soFar.broken },
    );
  });
  return jsonResponse(200, report);
});
