import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * One client per container, one module per service so a function bundles only the SDK it uses.
 * No endpoint here: locally the stack sets AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself.
 */
/** The plain client, for libraries that take one (Powertools idempotency). */
export const dynamodbClient = new DynamoDBClient({});
export const dynamodb = DynamoDBDocumentClient.from(dynamodbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
