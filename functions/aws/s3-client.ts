import { S3Client } from '@aws-sdk/client-s3';

/** Created once per container; locally AWS_ENDPOINT_URL_S3 points it at the local S3 (local/s3/). */
export const s3 = /* @__PURE__ */ new S3Client({});
