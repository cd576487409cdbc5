import { LambdaClient } from '@aws-sdk/client-lambda';

/** Created once per container; locally AWS_ENDPOINT_URL_LAMBDA points it at the local Lambda Invoke API. */
export const lambda = new LambdaClient({});
