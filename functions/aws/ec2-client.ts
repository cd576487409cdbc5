import { EC2Client } from '@aws-sdk/client-ec2';

/* One client per container. No endpoint here: EC2 has no local emulator (AWS_ENDPOINT_URL_EC2 is read by the SDK itself). */
export const ec2Client = /* @__PURE__ */ new EC2Client({});
