import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';

const run = promisify(execFile);
const irdr = join(import.meta.dirname, '../../bin/irdr.js');
const fixture = join(import.meta.dirname, '../fixtures/guardduty-finding-event.json');

/** Runs the real AWS CLI against the local stack; endpoints are passed as flags (Debian's awscli 2.9 ignores AWS_ENDPOINT_URL_*). */
async function aws(local: TestStack, args: string[]): Promise<any> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], {
    env: { ...process.env, ...local.stack.environment, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  return JSON.parse(stdout);
}

describe('the AWS CLI sees the local stack as it would see AWS', () => {
  let local: TestStack;
  let incidentId: string;
  let executionArn: string;

  beforeAll(async () => {
    local = await startTestStack();
    const created = await local.openIncident({
      runbookId: 'triage-notify',
      title: 'Leaked access key',
      severity: 'SEV1',
      summary: 'Key found in a public repo',
    });
    expect(created.status).toBe(202);
    ({ incidentId, executionArn } = created.body as { incidentId: string; executionArn: string });
    expect((await local.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('aws stepfunctions list-state-machines and list-executions', async () => {
    const endpoint = ['--endpoint-url', local.stack.urls.stepFunctions];
    const machines = await aws(local, ['stepfunctions', 'list-state-machines', ...endpoint]);
    // The runbook the incident started (there are several state machines now).
    const stateMachineArn = local.stack.stateMachines.find((machine) => machine.blueprint.runbookId === 'triage-notify')!.stateMachineArn;
    expect(machines.stateMachines.map((machine: { stateMachineArn: string }) => machine.stateMachineArn)).toContain(stateMachineArn);

    const executions = await aws(local, ['stepfunctions', 'list-executions', '--state-machine-arn', stateMachineArn, ...endpoint]);
    expect(executions.executions).toEqual([
      expect.objectContaining({ executionArn, name: incidentId, status: 'SUCCEEDED', stateMachineArn }),
    ]);
  });

  it('aws stepfunctions get-execution-history', async () => {
    const history = await aws(local, [
      'stepfunctions', 'get-execution-history', '--execution-arn', executionArn, '--endpoint-url', local.stack.urls.stepFunctions,
    ]);
    const events = history.events as Array<{ id: number; type: string; stateEnteredEventDetails?: { name: string } }>;
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events[0]!.type).toBe('ExecutionStarted');
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    const entered = events.filter((event) => event.type === 'TaskStateEntered').map((event) => event.stateEnteredEventDetails!.name);
    expect(entered).toEqual(['RecordRunbookStarted', 'record-triage-started', 'notify-responders', 'RecordRunbookCompleted']);
  });

  it('aws dynamodb query returns the incident and its trail', async () => {
    const result = await aws(local, [
      'dynamodb', 'query', '--endpoint-url', local.stack.urls.dynamodb, '--table-name', local.stack.tableName,
      '--key-condition-expression', 'PK = :pk', '--expression-attribute-values', JSON.stringify({ ':pk': { S: `INC#${incidentId}` } }),
    ]);
    const sortKeys = (result.Items as Array<{ SK: { S: string } }>).map((item) => item.SK.S);
    expect(sortKeys).toContain('META');
    expect(sortKeys.filter((key) => key.startsWith('EVT#'))).toHaveLength(5);
  });

  it('aws events put-events: custom events go on the default bus; aws.* sources are refused, as in AWS', async () => {
    const endpoint = ['--endpoint-url', local.stack.urls.eventBridge];
    const custom = await aws(local, ['events', 'put-events', ...endpoint, '--entries', JSON.stringify([{ Source: 'acme.app', DetailType: 'Order placed', Detail: '{"orderId":"1"}' }])]);
    expect(custom).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    const service = await aws(local, ['events', 'put-events', ...endpoint, '--entries', JSON.stringify([{ Source: 'aws.guardduty', DetailType: 'GuardDuty Finding', Detail: '{}' }])]);
    expect(service).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
  });

  it('irdr local deliver-event hands the running stack a GuardDuty finding, which opens an incident', async () => {
    const port = new URL(local.stack.urls.eventBridge).port;
    const { stdout } = await run(process.execPath, [irdr, 'local', 'deliver-event', fixture, '--events-port', port]);
    expect(stdout).toMatch(/rule security-findings → OpenIncidentFromFinding: delivered .*"incidentId":"[0-9a-f-]{36}"/);
  });
});
