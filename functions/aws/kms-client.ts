import { KMSClient } from '@aws-sdk/client-kms';

/** Created once per container; locally AWS_ENDPOINT_URL_KMS points it at the local KMS (local/kms.ts). */
export const kms = new KMSClient({});
