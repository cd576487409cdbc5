import { RDSClient } from '@aws-sdk/client-rds';

/* One client per container. No endpoint here: locally the SDK reads AWS_ENDPOINT_URL_RDS (local/rds/). */
export const rdsClient = /* @__PURE__ */ new RDSClient({});
