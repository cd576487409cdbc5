import { SESv2Client } from '@aws-sdk/client-sesv2';

/** Created once per container; locally AWS_ENDPOINT_URL_SESV2 points it at the local mailbox. */
export const mail = new SESv2Client({});
