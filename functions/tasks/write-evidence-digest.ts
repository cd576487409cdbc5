import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { digestStoreAt } from '../aws/digest-store.js';
import { writeEvidenceDigest, type WrittenDigest } from '../aws/evidence-digests.js';
import { kmsEd25519Signer } from '../aws/kms-ed25519-signer.js';
import { logger } from '../aws/powertools.js';
import { DIGEST_REFUSED_HEADS_FIELD } from '../domain/evidence/digest.js';

const tableName = requireEnvironment('TABLE_NAME');
const digestStore = digestStoreAt(requireEnvironment('EVIDENCE_DIGEST_STORE'));
// The key policy lets only this function's role sign with it: a digest anyone else puts does not verify.
const signer = kmsEd25519Signer(requireEnvironment('EVIDENCE_DIGEST_SIGNING_KEY_ID'));

/** Scheduled daily (and run on demand): the head of every trail, into write-once storage. */
export const handler = async (_payload: unknown, context: Context): Promise<WrittenDigest> => {
  logger.addContext(context);
  const written = await writeEvidenceDigest(tableName, digestStore, signer);
  const { refused, ...summary } = written;
  // Every run logs the count (0 too), so the alarm's metric has data each day and a refusal stands out.
  const log = refused.length > 0 ? logger.error.bind(logger) : logger.info.bind(logger);
  log(refused.length > 0 ? 'evidence digest refused trails whose head does not extend the last digest' : 'evidence digest written', {
    ...summary,
    [DIGEST_REFUSED_HEADS_FIELD]: refused.length,
    ...(refused.length > 0 && { refused }),
  });
  return written;
};
