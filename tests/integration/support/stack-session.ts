import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack, type LocalStackOptions, type RunningLocalStack } from '../../../local/stack.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/stack-config.js';
import type { DynamoDbBackend } from '../../../local/dynamodb/servers.js';
import { sharedDynamoDbLocal } from './shared-dynamodb-local.js';

/**
 * Looks until `look` finds what it waits for, looking again 50 ms after what it names to wake on (the local engine's
 * word, not a poll); after `withinMs`, throws what it last said is still awaited.
 */
async function lookUntil<T>(withinMs: number, look: () => Promise<{ found: T } | { wake: Promise<unknown>; stillWaiting: string }>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<'out of time'>((resolve) => (timer = setTimeout(() => resolve('out of time'), withinMs)));
  try {
    for (;;) {
      const seen = await look();
      if ('found' in seen) return seen.found;
      // Ended for the engine yet still running by the API (or unknown to this start's engine): 50 ms on, as a poll would.
      const woken = await Promise.race([seen.wake.then(() => new Promise((resolve) => setTimeout(resolve, 50))), outOfTime]);
      if (woken === 'out of time') throw new Error(seen.stillWaiting);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A local stack on free ports, in memory, with SDK clients pointed at it. */
export async function startTestStack(
  options: { dynamodb?: DynamoDbBackend } & Pick<LocalStackOptions, 'timeScale' | 'schedules' | 'drillPlans' | 'drillSchedules' | 'dynamodbRecovery' | 'rdsRecovery' | 'reportDynamoDbCapacity'> = {},
) {
  const stack: RunningLocalStack = await startLocalStack({
    ...options,
    // DynamoDB Local in memory: the run's one, a database of this stack's own in it (one JVM less a file).
    ...(options.dynamodb === 'local' && { sharedDynamoDbLocal: await sharedDynamoDbLocal() }),
    ports: { http: 0, stepFunctions: 0, dynamodb: 0, ses: 0 },
    inMemory: true,
    dynamodb: options.dynamodb ?? 'embedded',
    timeScale: options.timeScale ?? 1,
    // IRDR_TEST_LOG_LEVEL=DEBUG shows the handlers' logs when a test needs explaining.
    handlerLogLevel: (process.env.IRDR_TEST_LOG_LEVEL as LocalStackOptions['handlerLogLevel']) ?? 'SILENT',
  });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sfn = new SFNClient({ ...clientConfig, endpoint: stack.urls.stepFunctions });
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: stack.urls.dynamodb });

  return {
    stack,
    sfn,
    dynamodb,
    /** Calls the local HTTP API as a dev identity: `token` names one (dev-auditor: its token of this start) or is sent as it is. */
    async api(
      method: string,
      path: string,
      options: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      const token = options.token === undefined ? 'dev-responder' : options.token;
      if (token) headers.authorization = `Bearer ${stack.devTokens.tokenForName(token)}`;
      const response = await fetch(stack.urls.api + path, {
        method,
        headers,
        body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
    },
    /** POST /incidents with an Idempotency-Key (a fresh one unless given), as a dev identity. */
    async openIncident(body: unknown, options: { token?: string | null; idempotencyKey?: string } = {}) {
      return this.api('POST', '/incidents', {
        token: options.token,
        body,
        headers: { 'idempotency-key': options.idempotencyKey ?? randomUUID() },
      });
    },
    /**
     * Waits until the execution leaves RUNNING, as DescribeExecution then tells it: woken by the local engine when it
     * ends rather than asking every 50 ms (bounded by `attempts` × 50 ms, and by the test's own timeout).
     */
    async waitForExecution(executionArn: string, attempts = 600): Promise<DescribeExecutionCommandOutput> {
      return lookUntil<DescribeExecutionCommandOutput>(attempts * 50, async () => {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status !== 'RUNNING') return { found: execution };
        return { wake: stack.executionEnded(executionArn), stillWaiting: `execution ${executionArn} still RUNNING` };
      });
    },
    /** Waits until the local DynamoDB has applied no write for `quietMs` (what a request set going has settled), however many runs wait for people. */
    async waitForWritesToSettle(quietMs = 400, attempts = 100): Promise<void> {
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        const before = stack.itemWritesApplied();
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        if (stack.itemWritesApplied() === before) return;
      }
      throw new Error(`the local DynamoDB was still being written after ${attempts} looks ${quietMs} ms apart`);
    },
    /**
     * Waits until no execution of any state machine is RUNNING by ListExecutions, so the table holds still (e.g. before
     * comparing it): woken by the local engine as those it listed end (bounded by `attempts` × 50 ms).
     */
    async waitForQuiet(attempts = 600): Promise<void> {
      await lookUntil<undefined>(attempts * 50, async () => {
        const perMachine = await Promise.all(
          stack.stateMachines.map(async ({ blueprint, stateMachineArn }) =>
            ((await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }))).executions ?? []).map(({ name, executionArn }) => ({ label: `${blueprint.runbookId}/${name}`, executionArn: executionArn! })),
          ),
        );
        const running = perMachine.flat();
        if (running.length === 0) return { found: undefined };
        return {
          wake: Promise.all(running.map(({ executionArn }) => stack.executionEnded(executionArn))),
          // Named, as one may be legitimately waiting for people (e.g. the incident a failed drill opened).
          stillWaiting: `executions still RUNNING: ${running.map(({ label }) => label).join(', ')}`,
        };
      });
    },
    /**
     * Every item irdr wrote, in the evidence table and in the deduplication table (idempotency records, finding
     * claims), so "nothing written" holds for both (tests only: the product itself never scans).
     */
    async tableItems() {
      const scan = async (tableName: string) => (await dynamodb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
      return [...(await scan(stack.tableName)), ...(await scan(stack.deduplicationTableName))];
    },
    /** Every item in the evidence table alone. */
    async evidenceItems() {
      return (await dynamodb.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }))).Items ?? [];
    },
    /** Every item in the deduplication table alone: idempotency records and finding claims. */
    async deduplicationItems() {
      return (await dynamodb.send(new ScanCommand({ TableName: stack.deduplicationTableName, ConsistentRead: true }))).Items ?? [];
    },
    async mailbox(): Promise<Array<{ subject: string; destination: { to: string[] }; from: string; body: { text?: string } }>> {
      const response = await fetch(`${stack.urls.ses}/store`);
      return ((await response.json()) as { emails: any[] }).emails;
    },
    async stop() {
      sfn.destroy();
      dynamodb.destroy();
      await stack.stop();
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
