import { abnormalEndReason, type ExecutionStatusChangeEvent } from '../domain/execution-status-change.js';
import { getRun } from './drill/drill-run-store.js';
import { getIncident } from './incident-store.js';
import { abortRun, type RunInFlight } from './run-reconciliation.js';

export type EndedExecutionOutcome =
  | { readonly outcome: 'aborted'; readonly kind: RunInFlight['kind']; readonly id: string; readonly reason: string }
  | { readonly outcome: 'already-recorded'; readonly kind: RunInFlight['kind']; readonly id: string; readonly status: string }
  | { readonly outcome: 'not-a-run'; readonly executionArn: string };

export interface IrdrStateMachines {
  readonly runbooks: ReadonlySet<string>;
  readonly drill: string;
}

/**
 * An irdr execution ended abnormally: if its incident or drill run still says it is running, nothing in the run
 * recorded the end, so mark it aborted (a drill's restored table cleaned up by the cleanup guard). A run that
 * recorded its own outcome (its Catch path) is left as it is; the event may arrive more than once.
 */
export async function recordEndedExecution(tableName: string, machines: IrdrStateMachines, event: ExecutionStatusChangeEvent): Promise<EndedExecutionOutcome> {
  const { detail } = event;
  const kind = detail.stateMachineArn === machines.drill ? 'drill-run' : machines.runbooks.has(detail.stateMachineArn) ? 'incident' : undefined;
  if (!kind) return { outcome: 'not-a-run', executionArn: detail.executionArn };
  // Runs are started under their record's id: the execution name is the incident id or the run id.
  const id = detail.name;
  const status =
    kind === 'incident'
      ? ((await getIncident(tableName, id))?.runbookStatus ?? 'unknown')
      : ((await getRun(tableName, id))?.status ?? 'unknown');
  const stillRunning = kind === 'incident' ? status === 'starting' || status === 'running' : status === 'running';
  if (!stillRunning) return { outcome: 'already-recorded', kind, id, status };
  const reason = abnormalEndReason(detail);
  await abortRun(tableName, { kind, id, executionArn: detail.executionArn }, reason, `states:${detail.executionArn}`);
  return { outcome: 'aborted', kind, id, reason };
}
