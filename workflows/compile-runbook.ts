import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Runbook, RunbookStep } from './runbook-schema.js';
import { invokeFunction, type AslDefinition, type AslState } from './asl-fragments.js';

const RECORD_STARTED = 'RecordRunbookStarted';
const RECORD_COMPLETED = 'RecordRunbookCompleted';
const RECORD_FAILED = 'RecordRunbookFailed';
const NOTIFY_FAILED = 'NotifyRunbookFailed';
const FAILED = 'RunbookFailed';

/** SHA-256 of the runbook's canonical JSON: stamped on every run and incident. */
export function runbookHash(runbook: Runbook): string {
  return createHash('sha256').update(canonicalize(runbook) ?? '', 'utf8').digest('hex');
}

/** Fields every step's payload carries so the handler knows which incident and step it serves. */
function stepContext(step: RunbookStep): Record<string, unknown> {
  return {
    'incidentId.$': '$.incidentId',
    stepId: step.id,
    'executionArn.$': '$$.Execution.Id',
  };
}

function compileStep(step: RunbookStep): AslState {
  switch (step.type) {
    case 'action':
      return invokeFunction('RecordEvent', { ...stepContext(step), type: step.event, detail: { title: step.title } });
    case 'notify':
      return invokeFunction('SendNotification', {
        ...stepContext(step),
        to: step.to,
        subject: step.subject,
        body: step.body,
        'variables.$': '$',
      });
  }
}

const catchToFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RECORD_FAILED }];

/**
 * Compiles a runbook to ASL (JSONPath, no JSONata or variables, so the same definition runs
 * on Step Functions and on the local engine). Deterministic: the same runbook gives the same bytes.
 */
export function compileRunbook(runbook: Runbook): AslDefinition {
  const hash = runbookHash(runbook);
  const states: Record<string, AslState> = {};
  // The run records its own start, so the trail's order and the incident's status follow the execution alone.
  states[RECORD_STARTED] = {
    Comment: 'Record that this run of the runbook started',
    ...invokeFunction('RecordEvent', {
      'incidentId.$': '$.incidentId',
      stepId: RECORD_STARTED,
      'executionArn.$': '$$.Execution.Id',
      type: 'runbook.started',
      runbookStatus: 'running',
      detail: { runbookId: runbook.id, runbookVersion: runbook.version, runbookHash: hash },
    }),
    Catch: catchToFailure,
    Next: runbook.steps[0]!.id,
  };
  runbook.steps.forEach((step, index) => {
    const next = runbook.steps[index + 1]?.id ?? RECORD_COMPLETED;
    states[step.id] = { Comment: step.title, ...compileStep(step), Catch: catchToFailure, Next: next };
  });

  states[RECORD_COMPLETED] = {
    Comment: 'Every step finished: record the outcome',
    ...invokeFunction('RecordEvent', {
      'incidentId.$': '$.incidentId',
      stepId: RECORD_COMPLETED,
      'executionArn.$': '$$.Execution.Id',
      type: 'runbook.completed',
      runbookStatus: 'completed',
      detail: { runbookHash: hash },
    }),
    Catch: catchToFailure,
    End: true,
  };
  states[RECORD_FAILED] = {
    Comment: 'A step failed after its retries: record which and why',
    ...invokeFunction('RecordEvent', {
      'incidentId.$': '$.incidentId',
      stepId: RECORD_FAILED,
      'executionArn.$': '$$.Execution.Id',
      type: 'runbook.failed',
      runbookStatus: 'failed',
      'detail.$': '$.failure',
    }),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordFailure', Next: NOTIFY_FAILED }],
    Next: NOTIFY_FAILED,
  };
  states[NOTIFY_FAILED] = {
    Comment: 'Tell the incident commanders the runbook stopped',
    ...invokeFunction('SendNotification', {
      'incidentId.$': '$.incidentId',
      stepId: NOTIFY_FAILED,
      'executionArn.$': '$$.Execution.Id',
      to: { roles: ['commander'] },
      subject: '[{{severity}}] Runbook failed: {{title}}',
      body: 'The runbook {{runbookTitle}} stopped on incident {{incidentId}}: {{failure.Error}}.\n\n{{failure.Cause}}',
      'variables.$': '$',
    }),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyFailure', Next: FAILED }],
    Next: FAILED,
  };
  states[FAILED] = { Type: 'Fail', Error: 'RunbookFailed', Cause: 'A runbook step failed; see the incident trail' };

  return {
    Comment: `irdr runbook ${runbook.id} v${runbook.version} (sha256 ${hash})`,
    StartAt: RECORD_STARTED,
    TimeoutSeconds: 7 * 24 * 3600,
    States: states,
  };
}
