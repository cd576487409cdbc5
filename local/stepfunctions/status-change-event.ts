import { randomUUID } from 'node:crypto';
import type { AccountScope } from './arns.js';
import type { LocalExecution } from './execution.js';

/** "Step Functions Execution Status Change", as Step Functions puts it on the default event bus for every execution. */
export interface ExecutionStatusChangeBusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** The event for the execution's current status (RUNNING when it starts, then its end), with AWS's detail fields. */
export function executionStatusChangeEvent(execution: LocalExecution, scope: AccountScope): ExecutionStatusChangeBusEvent {
  const at = execution.stopDate ?? execution.startDate;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: scope.accountId,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: scope.region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
