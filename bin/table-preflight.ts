import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sdkTarget } from './sdk-target.js';
import { UsageError } from './usage-error.js';

/*
 * The table a command reads is checked before it reads anything (a mistyped one holds no trails: "every chain intact"
 * of nothing would be a false all-clear). Its own file: every evidence command runs it, and it needs only DynamoDB.
 */

/** The table exists where the SDK points (AWS_ENDPOINT_URL_DYNAMODB, or the region's DynamoDB). */
export async function requireTable(tableName: string, flag = '--table-name'): Promise<void> {
  const dynamodb = new DynamoDBClient({});
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new UsageError(`no table ${tableName} ${await sdkTarget(dynamodb, process.env.AWS_ENDPOINT_URL_DYNAMODB)}: ${flag} names the evidence table (stack output TableName; irdr local env sets IRDR_TABLE_NAME)`);
  } finally {
    dynamodb.destroy();
  }
}
