import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * The scheduler starts the target state machine as EventBridge Scheduler would. The scheduled input
 * names an incident that was never opened, so this also drives the runbook's failure path for real:
 * the step that moves the incident's status fails, Catch records the failure and emails the commanders.
 */
describe('a scheduled runbook run on the local scheduler', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack({
      timeScale: 3600,
      schedules: [
        {
          name: 'hourly-check',
          expression: 'rate(1 hour)',
          timezone: 'Europe/London',
          targetLogicalId: 'Runbook-triage-notify',
          input: {
            incidentId: 'never-opened',
            runbookId: 'triage-notify',
            runbookTitle: 'Triage and notify',
            runbookVersion: 1,
            runbookHash: '0'.repeat(64),
            title: 'Scheduled check',
            severity: 'SEV4',
            summary: 'started by the scheduler',
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('starts the execution on schedule, and a failing step ends the run cleanly with the failure recorded and notified', async () => {
    const stateMachineArn = local.stack.stateMachines.find((machine) => machine.blueprint.logicalId === 'Runbook-triage-notify')!.stateMachineArn;
    let executionArn: string | undefined;
    for (let attempt = 0; attempt < 200 && !executionArn; attempt += 1) {
      const listed = await local.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      executionArn = listed.executions?.at(-1)?.executionArn;
      if (!executionArn) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(executionArn).toBeDefined();

    const execution = await local.waitForExecution(executionArn!);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RunbookFailed');
    expect(JSON.parse(execution.input!)).toMatchObject({ incidentId: 'never-opened', title: 'Scheduled check' });

    const history = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const failed = history.events!.find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('ConditionalCheckFailedException');
    const entered = history.events!.filter((event) => event.type === 'TaskStateEntered').map((event) => event.stateEnteredEventDetails!.name);
    expect(entered).toEqual(['RecordRunbookStarted', 'RecordRunbookFailed', 'NotifyRunbookFailed']);

    const emails = await local.mailbox();
    const alert = emails.find((email) => email.subject === '[SEV4] Runbook failed: Scheduled check');
    expect(alert?.destination.to).toEqual(['incident-commanders@example.com']);
    expect(alert?.body.text).toContain('ConditionalCheckFailedException');
  });
});
