import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { digestStoreAt } from '../aws/digest-store.js';
import { writeEvidenceDigest, type WrittenDigest } from '../aws/evidence-digests.js';
import { logger } from '../aws/powertools.js';

const tableName = requireEnvironment('TABLE_NAME');
const digestStore = digestStoreAt(requireEnvironment('EVIDENCE_DIGEST_STORE'));

/** Scheduled daily (and run on demand): the head of every trail, into write-once storage. */
export const handler = async (_payload: unknown, context: Context): Promise<WrittenDigest> => {
  logger.addContext(context);
  const written = await writeEvidenceDigest(tableName, digestStore);
  logger.info('evidence digest written', { ...written });
  return written;
};
