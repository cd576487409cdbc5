import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { sdkTarget } from './sdk-target.js';
import { UsageError } from './usage-error.js';

/*
 * What a command names (a plan, a state machine; the table: bin/table-preflight.ts) is checked before it starts or
 * writes anything: a typo is a UsageError (bin/irdr.ts says it on stderr, exit 2) that says what exists, never a run,
 * a record or an email.
 */

export { UsageError };

/** The drill plan exists: the plans of this checkout (workflows/drills), which the stack bundles into its drill functions. */
export function requireDrillPlan(planId: string): void {
  const plans = loadDrillPlans();
  if (!plans.some((plan) => plan.id === planId)) {
    throw new UsageError(`no drill plan "${planId}"; plans: ${plans.map((plan) => plan.id).join(', ')} (workflows/drills). Nothing was started.`);
  }
}

/** The state machine exists where the SDK points (AWS_ENDPOINT_URL_SFN, or the region's Step Functions). */
export async function requireStateMachine(stateMachineArn: string, flag = '--state-machine-arn'): Promise<void> {
  const sfn = new SFNClient({});
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  } catch (error) {
    if (!['StateMachineDoesNotExist', 'InvalidArn'].includes((error as Error).name)) throw error;
    throw new UsageError(`no state machine ${stateMachineArn} ${await sdkTarget(sfn, process.env.AWS_ENDPOINT_URL_SFN)}: ${flag} names the drill state machine (stack output DrillrestoreStateMachineArn; irdr local env sets IRDR_DRILL_STATE_MACHINE_ARN)`);
  } finally {
    sfn.destroy();
  }
}
