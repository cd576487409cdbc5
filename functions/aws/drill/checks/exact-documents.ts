import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A DocumentClient for reading data the checks compare: numbers come back as NumberValue (their exact decimal
 * text), so a 38-digit number neither loses digits nor makes the read throw, and hashes see what DynamoDB holds.
 * It has a DynamoDBClient of its own: DocumentClients made from one client share its translate config, so building
 * this one from the shared client would make every other reader in the container get NumberValues too.
 */
export const exactDocuments = DynamoDBDocumentClient.from(new DynamoDBClient({}), { unmarshallOptions: { wrapNumbers: true } });
