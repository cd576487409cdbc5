import type { Context } from 'aws-lambda';
import { recordEndedExecution, type EndedExecutionOutcome } from '../aws/ended-execution.js';
import { requireEnvironment } from '../aws/environment.js';
import { logger } from '../aws/powertools.js';
import { ExecutionStatusChangeEvent } from '../domain/execution-status-change.js';
import { RunbookCatalog } from '../domain/incident.js';
import { parsePayload } from '../domain/schema-issues.js';

const tableName = requireEnvironment('TABLE_NAME');
const machines = {
  runbooks: new Set(Object.values(RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG')))).map((entry) => entry.stateMachineArn)),
  drill: requireEnvironment('DRILL_STATE_MACHINE_ARN'),
};

/**
 * EventBridge target of the runs-ended-abnormally rule: a runbook or drill execution that failed, timed out or was
 * stopped leaves its record aborted, with the reason in its trail, rather than "running" forever.
 * A malformed event throws: EventBridge retries it, then leaves it in the rule's dead-letter queue.
 */
export const handler = async (payload: unknown, context: Context): Promise<EndedExecutionOutcome> => {
  logger.addContext(context);
  const outcome = await recordEndedExecution(tableName, machines, parsePayload(ExecutionStatusChangeEvent, payload, 'a Step Functions execution status change'));
  logger.info('ended execution', { ...outcome });
  return outcome;
};
