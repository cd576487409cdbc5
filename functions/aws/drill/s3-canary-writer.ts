import { PutObjectCommand } from '@aws-sdk/client-s3';
import { canaryObjectBody } from '../../domain/drill/s3-canary.js';
import { s3 } from '../s3-client.js';

/** Puts (overwrites) the canary object into the source bucket, with the time it was written; returns that time. */
export async function putCanaryObject(request: { readonly bucket: string; readonly key: string; readonly planId: string; readonly writtenAt?: string }): Promise<string> {
  const writtenAt = request.writtenAt ?? new Date().toISOString();
  await s3.send(
    new PutObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      Body: canaryObjectBody(request.planId, writtenAt),
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  return writtenAt;
}
