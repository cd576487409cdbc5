import { EFSClient } from '@aws-sdk/client-efs';

/* One client per container. No endpoint here: EFS has no local emulator (AWS_ENDPOINT_URL_EFS is read by the SDK itself). */
export const efsClient = /* @__PURE__ */ new EFSClient({});
