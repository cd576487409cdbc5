import { S3Client } from '@aws-sdk/client-s3';

/** Created once per container. No local emulator offers S3 Object Lock: locally the digest store is a folder instead. */
export const s3 = new S3Client({});
