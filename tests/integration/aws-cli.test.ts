import { execFile } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import { BUS_EVENTS_CHANNEL, type BusEvent } from '../../local/eventbridge/event-bus.js';
import { LOCAL_DELIVER_PATH } from '../../local/eventbridge/server.js';
import { startAwsCliSession, type AwsCliSession } from './support/aws-cli-session.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, '../fixtures/guardduty-finding-event.json');
const scratch = mkdtempSync(join(tmpdir(), 'irdr-aws-cli-'));

/** The environment each AWS CLI command runs with: the stack's endpoints and credentials, no user config or pager. */
const awsEnvironment = (local: TestStack): NodeJS.ProcessEnv => ({
  ...process.env,
  ...local.stack.environment,
  AWS_PAGER: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
});

let awsCli: AwsCliSession;
/**
 * Runs the real AWS CLI against the local stack (tests/integration/support/aws-cli-session.ts: its own driver, every
 * command in one Python process); endpoints are passed as flags (Debian's awscli 2.9 ignores AWS_ENDPOINT_URL_*).
 */
async function aws(args: string[]): Promise<any> {
  const { code, stdout, stderr } = await awsCli.run([...args, '--output', 'json']);
  if (code !== 0) throw new Error(`aws ${args.join(' ')} exited ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

/**
 * The first AWS Backup state change event (as the local stack puts on its bus) of this type that `ended` accepts: jobs
 * are waited for by their end event, not by polling `describe-*-job` (each AWS CLI run is ~0.5 CPU-s of Python).
 */
function jobEvent(detailType: string, ended: (detail: Record<string, unknown>) => boolean): { readonly ended: Promise<Record<string, unknown>> } {
  let resolve: (detail: Record<string, unknown>) => void;
  const ended$ = new Promise<Record<string, unknown>>((done) => (resolve = done));
  const onEvent = (message: unknown) => {
    const event = message as BusEvent;
    const detail = event.detail as Record<string, unknown>;
    if (event['detail-type'] !== detailType || !ended(detail)) return;
    diagnosticsChannel.unsubscribe(BUS_EVENTS_CHANNEL, onEvent);
    resolve(detail);
  };
  diagnosticsChannel.subscribe(BUS_EVENTS_CHANNEL, onEvent);
  return { ended: ended$ };
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
    awsCli = await startAwsCliSession(awsEnvironment(local));
  });
  afterAll(async () => {
    await awsCli?.close();
    await local?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the session is the AWS CLI that `aws` on PATH runs: the same output and exit code, and a failed command ends only itself', async () => {
    const asUserRuns = async (args: string[]) => {
      try {
        const { stdout, stderr } = await run('aws', args, { env: awsEnvironment(local) });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
      }
    };
    for (const args of [['--version'], ['stepfunctions', 'list-executions', '--no-such-flag']]) {
      expect({ args, ...(await awsCli.run(args)) }).toEqual({ args, ...(await asUserRuns(args)) });
    }
    expect((await aws(['stepfunctions', 'list-state-machines', '--endpoint-url', local.stack.urls.stepFunctions])).stateMachines.length).toBeGreaterThan(0);
  });

  it('aws stepfunctions list-state-machines and list-executions', async () => {
    const endpoint = ['--endpoint-url', local.stack.urls.stepFunctions];
    const machines = await aws(['stepfunctions', 'list-state-machines', ...endpoint]);
    // The runbook the incident started (there are several state machines now).
    const stateMachineArn = local.stack.stateMachines.find((machine) => machine.blueprint.runbookId === 'triage-notify')!.stateMachineArn;
    expect(machines.stateMachines.map((machine: { stateMachineArn: string }) => machine.stateMachineArn)).toContain(stateMachineArn);

    const executions = await aws(['stepfunctions', 'list-executions', '--state-machine-arn', stateMachineArn, ...endpoint]);
    expect(executions.executions).toEqual([
      expect.objectContaining({ executionArn, name: incidentId, status: 'SUCCEEDED', stateMachineArn }),
    ]);
  });

  it('aws stepfunctions get-execution-history', async () => {
    const history = await aws([
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
    const result = await aws([
      'dynamodb', 'query', '--endpoint-url', local.stack.urls.dynamodb, '--table-name', local.stack.tableName,
      '--key-condition-expression', 'PK = :pk', '--expression-attribute-values', JSON.stringify({ ':pk': { S: `INC#${incidentId}` } }),
    ]);
    const sortKeys = (result.Items as Array<{ SK: { S: string } }>).map((item) => item.SK.S);
    expect(sortKeys).toContain('META');
    expect(sortKeys.filter((key) => key.startsWith('EVT#'))).toHaveLength(5);
  });

  it('aws events put-events: custom events go on the default bus; aws.* sources are refused, as in AWS', async () => {
    const endpoint = ['--endpoint-url', local.stack.urls.eventBridge];
    const custom = await aws(['events', 'put-events', ...endpoint, '--entries', JSON.stringify([{ Source: 'acme.app', DetailType: 'Order placed', Detail: '{"orderId":"1"}' }])]);
    expect(custom).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    const service = await aws(['events', 'put-events', ...endpoint, '--entries', JSON.stringify([{ Source: 'aws.guardduty', DetailType: 'GuardDuty Finding', Detail: '{}' }])]);
    expect(service).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
  });

  it('irdr local deliver-event hands the running stack a GuardDuty finding, which opens an incident', async () => {
    // The endpoint comes from the environment `irdr local env` exports (AWS_ENDPOINT_URL_EVENTBRIDGE).
    const { code, output } = await runIrdr(local, ['local', 'deliver-event', fixture]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/rule security-findings → OpenIncidentFromFinding: delivered .*"incidentId":"[0-9a-f-]{36}"/);
  });

  it('irdr local deliver-event: a file that is not JSON is said to be so, and nothing is sent', async () => {
    const file = join(scratch, 'finding.txt');
    await writeFile(file, 'GuardDuty finding: UnauthorizedAccess:IAMUser/ConsoleLogin\n');
    const deadBefore = local.stack.events.deadLetters.length;
    const { code, output } = await runIrdr(local, ['local', 'deliver-event', file]);
    expect(code).toBe(2);
    expect(output.trim()).toMatch(new RegExp(`^irdr: ${file} is not valid JSON \\(.+\\): give one event as EventBridge hands it to targets`));
    expect(output).not.toContain('missing:');
    expect(local.stack.events.deadLetters).toHaveLength(deadBefore);
  });

  it('the local deliver endpoint answers a body that is not JSON with "not valid JSON", not a list of missing fields', async () => {
    const response = await fetch(new URL(LOCAL_DELIVER_PATH, local.stack.urls.eventBridge), { method: 'POST', body: '{"version": "0",' });
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^the event is not valid JSON \(/);
    expect(message).not.toContain('missing');
  });

  it('a finding that fits no schema is dead-lettered with a one-line reason naming the field, not a ZodError dump', async () => {
    const malformed = structuredClone(guardDutySample) as Record<string, any>;
    malformed.id = 'b1f0c9de-0000-4000-8000-00000000bad1';
    delete malformed.detail.id;
    const file = join(scratch, 'malformed-finding.json');
    await writeFile(file, JSON.stringify(malformed));
    const { code, output } = await runIrdr(local, ['local', 'deliver-event', file]);
    expect(code).toBe(1);
    const reason = /OpenIncidentFromFinding: dead-lettered "(.*)"$/m.exec(output)?.[1];
    expect(reason).toMatch(/^MalformedPayloadError: not a GuardDuty or Security Hub finding event: detail\.id: /);
    expect(reason).not.toMatch(/ZodError|\\n|\[|\{/);
    const deadLetter = local.stack.events.deadLetters.at(-1)!;
    expect(deadLetter.error).toBe(reason);
    expect(deadLetter.error).not.toContain('\n');
  });
  it('aws backup: a vault, a backup job, its recovery point and restore metadata, a restore job, the listings, and the refused validation result', async () => {
    const endpoint = ['--endpoint-url', local.stack.environment.AWS_ENDPOINT_URL_BACKUP!];
    const tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${local.stack.tableName}`;
    const role = ['--iam-role-arn', 'arn:aws:iam::000000000000:role/backup'];
    expect((await aws(['backup', 'create-backup-vault', '--backup-vault-name', 'cli-vault', ...endpoint])).BackupVaultName).toBe('cli-vault');
    expect((await aws(['backup', 'list-backup-vaults', ...endpoint])).BackupVaultList.map((vault: { BackupVaultName: string }) => vault.BackupVaultName)).toEqual(['cli-vault']);
    // Listening before the job starts: its end event may come before the CLI has printed the job's id.
    const backupEnded = jobEvent('Backup Job State Change', (detail) => ['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(detail.state as string));
    const { BackupJobId, RecoveryPointArn } = await aws(['backup', 'start-backup-job', '--backup-vault-name', 'cli-vault', '--resource-arn', tableArn, ...role, ...endpoint]);
    expect(await backupEnded.ended).toMatchObject({ backupJobId: BackupJobId });
    expect((await aws(['backup', 'describe-backup-job', '--backup-job-id', BackupJobId, ...endpoint])).State).toBe('COMPLETED');
    const points = await aws(['backup', 'list-recovery-points-by-resource', '--resource-arn', tableArn, ...endpoint]);
    expect(points.RecoveryPoints).toEqual([expect.objectContaining({ RecoveryPointArn, Status: 'COMPLETED', BackupVaultName: 'cli-vault' })]);
    const inVault = await aws(['backup', 'list-recovery-points-by-backup-vault', '--backup-vault-name', 'cli-vault', ...endpoint]);
    expect(inVault.RecoveryPoints.map((point: { RecoveryPointArn: string }) => point.RecoveryPointArn)).toEqual([RecoveryPointArn]);
    const metadata = await aws(['backup', 'get-recovery-point-restore-metadata', '--backup-vault-name', 'cli-vault', '--recovery-point-arn', RecoveryPointArn, ...endpoint]);
    expect(metadata.RestoreMetadata.targetTableName).toBe(local.stack.tableName);
    const restoreEnded = jobEvent('Restore Job State Change', (detail) => ['COMPLETED', 'FAILED', 'ABORTED'].includes(detail.status as string));
    const { RestoreJobId } = await aws(['backup', 'start-restore-job', '--recovery-point-arn', RecoveryPointArn, '--metadata', 'targetTableName=cli-restored', ...role, ...endpoint]);
    expect(await restoreEnded.ended).toMatchObject({ restoreJobId: RestoreJobId });
    const job = await aws(['backup', 'describe-restore-job', '--restore-job-id', RestoreJobId, ...endpoint]);
    expect(job).toMatchObject({ Status: 'COMPLETED', CreatedResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/cli-restored' });
    expect((await aws(['backup', 'get-restore-job-metadata', '--restore-job-id', RestoreJobId, ...endpoint])).Metadata).toEqual({ targetTableName: 'cli-restored' });
    expect((await aws(['backup', 'list-restore-jobs', ...endpoint])).RestoreJobs.map((listed: { RestoreJobId: string }) => listed.RestoreJobId)).toEqual([RestoreJobId]);
    expect((await aws(['backup', 'list-protected-resources', ...endpoint])).Results).toEqual([expect.objectContaining({ ResourceArn: tableArn, ResourceType: 'DynamoDB' })]);
    await expect(aws(['backup', 'put-restore-validation-result', '--restore-job-id', RestoreJobId, '--validation-status', 'SUCCESSFUL', ...endpoint])).rejects.toThrow(/InvalidRequestException.*restore testing/);
  });
});
