import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ThrottledRequestError, throttlingErrorIn } from '../domain/aws-throttling.js';
import type { DrillExecutionInput } from '../domain/drill/run.js';
import { requireEnvironment } from '../aws/environment.js';
import { idempotentOperation } from '../aws/idempotency.js';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { stepFunctions } from '../aws/sfn-client.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { IDEMPOTENCY_KEY_HEADER, idempotencyConflict, idempotencyKeyOf } from './idempotency-key.js';
import { apiHandler, jsonResponse, type ApiResult } from './http-shell.js';

const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');
const drillStateMachineArn = requireEnvironment('DRILL_STATE_MACHINE_ARN');

/** Starts one run under a new run id (the execution's name); at most once per caller and Idempotency-Key. */
const startRunOnce = idempotentOperation<{ planId: string }, ApiResult>(
  { operation: 'StartDrillRun', tableName: deduplicationTableName, onReplay: (response) => ({ ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } }) },
  async ({ idempotencyKey: { caller }, request: { planId } }) => {
    const runId = randomUUID();
    const input: DrillExecutionInput = { planId, trigger: 'api', requestedBy: caller };
    const started = await stepFunctions
      .send(new StartExecutionCommand({ stateMachineArn: drillStateMachineArn, name: runId, input: JSON.stringify(input) }))
      .catch((error: unknown) => {
        // Thrown, the key's record is deleted: the same Idempotency-Key may start the run once Step Functions takes starts again.
        if (!throttlingErrorIn(error)) throw error;
        throw new ThrottledRequestError(`Step Functions refused to start the drill run for now (${(error as Error).name}): no run was started; try again in a moment with the same ${IDEMPOTENCY_KEY_HEADER}`, { cause: error });
      });
    return jsonResponse(202, { runId, planId, executionArn: started.executionArn, status: 'running', links: { run: `/drill-runs/${runId}` } });
  },
);

/** POST /drills/{planId}/runs: runs the plan's drill now. Takes no body; the run records who asked. */
export const handler = apiHandler(async (event, context) => {
  const caller = requireRole(event, 'startDrill');
  const key = idempotencyKeyOf(event, 'drill run');
  if (event.body) throw new HttpError(400, 'POST /drills/{planId}/runs takes no body; the plan says what the drill does');
  const planId = event.pathParameters?.planId ?? '';
  const plans = bundledDrillPlans();
  if (!plans.some((plan) => plan.id === planId)) {
    throw new HttpError(404, `no drill plan "${planId}"; plans: ${plans.map((plan) => plan.id).join(', ')}`);
  }
  try {
    return await startRunOnce({ idempotencyKey: { caller: caller.arn, key }, request: { planId } }, context);
  } catch (error) {
    idempotencyConflict(error, key, 'drill run');
  }
});
