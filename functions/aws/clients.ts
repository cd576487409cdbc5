import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SESv2Client } from '@aws-sdk/client-sesv2';

/*
 * SDK clients, created once per container. No endpoint is set here: locally the stack sets
 * the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables, so handlers never know where they run.
 */
export const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const stepFunctions = new SFNClient({});
export const mail = new SESv2Client({});
