import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { UsageError } from './usage-error.js';

/*
 * What a command names (a plan, a table, a state machine) is checked before it starts or writes anything: a typo is a
 * UsageError (bin/irdr.ts says it on stderr, exit 2) that says what exists, never a run, a record or an email.
 */

export { UsageError };

/** The drill plan exists: the plans of this checkout (workflows/drills), which the stack bundles into its drill functions. */
export function requireDrillPlan(planId: string): void {
  const plans = loadDrillPlans();
  if (!plans.some((plan) => plan.id === planId)) {
    throw new UsageError(`no drill plan "${planId}"; plans: ${plans.map((plan) => plan.id).join(', ')} (workflows/drills). Nothing was started.`);
  }
}

/** The table exists where the SDK points (AWS_ENDPOINT_URL_DYNAMODB, or the region's DynamoDB). */
export async function requireTable(tableName: string, flag = '--table-name'): Promise<void> {
  const dynamodb = new DynamoDBClient({});
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new UsageError(`no table ${tableName} ${await where(dynamodb, process.env.AWS_ENDPOINT_URL_DYNAMODB)}: ${flag} names the evidence table (stack output TableName; irdr local env sets IRDR_TABLE_NAME)`);
  } finally {
    dynamodb.destroy();
  }
}

/** The state machine exists where the SDK points (AWS_ENDPOINT_URL_SFN, or the region's Step Functions). */
export async function requireStateMachine(stateMachineArn: string, flag = '--state-machine-arn'): Promise<void> {
  const sfn = new SFNClient({});
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  } catch (error) {
    if (!['StateMachineDoesNotExist', 'InvalidArn'].includes((error as Error).name)) throw error;
    throw new UsageError(`no state machine ${stateMachineArn} ${await where(sfn, process.env.AWS_ENDPOINT_URL_SFN)}: ${flag} names the drill state machine (stack output DrillrestoreStateMachineArn; irdr local env sets IRDR_DRILL_STATE_MACHINE_ARN)`);
  } finally {
    sfn.destroy();
  }
}

const where = async (client: { config: { region: () => Promise<string> } }, endpoint: string | undefined): Promise<string> =>
  endpoint ? `at ${endpoint}` : `in ${await client.config.region().catch(() => 'the default region')}`;
