import { SFNClient } from '@aws-sdk/client-sfn';

/** Created once per container; locally AWS_ENDPOINT_URL_SFN points it at the local Step Functions. */
export const stepFunctions = new SFNClient({});
