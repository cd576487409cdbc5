import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../stack-config.js';

/** Creates a bucket of the stack's own in the local S3 unless it is there (a data dir keeps it between starts). */
export async function createLocalBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  try {
    const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}
