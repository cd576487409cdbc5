/**
 * The export-year bench's table, served from a child process (forked by bench/export-year.ts): the local stack, a real
 * incident and drill run as templates, the synthetic year seeded beside them. The export then runs in the parent, as
 * `irdr evidence export` runs against `npm start`: the table and the export each on a core of their own. A second front
 * on the same table forwards to dynalite over HTTP, as fronts did before dynalite's handler was called in-process.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { META_SK, drillRunPk, incidentPk } from '../functions/domain/keys.js';
import { tableDesign } from '../functions/domain/table-design.js';
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';
import { startDynamoDbFront } from '../local/dynamodb/front.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/stack-config.js';
import { seedSyntheticDrillRuns, seedSyntheticIncidents } from '../tests/integration/support/synthetic-evidence.js';

/** What the parent asks for (one message) and what it is told once the year is in the table. */
export interface YearRequest {
  readonly incidents: number;
  readonly eventsPerIncident: number;
  readonly drillRuns: number;
  readonly eventsPerDrillRun: number;
  readonly startMs: number;
  readonly spanMs: number;
}
export interface YearReady {
  readonly dynamodbEndpoint: string;
  /** The same table through a front that forwards to dynalite over HTTP, as every front did before session 7. */
  readonly httpHopEndpoint: string;
  readonly tableName: string;
  readonly seedSeconds: number;
  /** The stack's HTTP API, the auditor's bearer token, and the local KMS (its export signing key). */
  readonly apiUrl: string;
  readonly auditorToken: string;
  readonly kmsEndpoint: string;
}

/** The table process's CPU time so far (process.cpuUsage), its answer to 'cpu'. */
export interface TableCpu {
  readonly cpu: NodeJS.CpuUsage;
}

/**
 * The table process's memory while an asynchronous export runs in it (its handlers run in this process, as the local
 * stack runs them): 'memory-start' takes the resident set then and samples it; 'memory-stop' answers with both.
 */
export interface TableMemory {
  readonly beforeMb: number;
  readonly peakMb: number;
}
const MEMORY_SAMPLE_MS = 50;

const { partitionKey: PK, sortKey: SK } = tableDesign;

/** 800 Queries of one trail through `endpoint`, 16 at a time. */
async function warm(endpoint: string, tableName: string, partitionKey: string): Promise<void> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint }));
  const query = new QueryCommand({ TableName: tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': PK }, ExpressionAttributeValues: { ':pk': partitionKey } });
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let round = 0; round < 50; round += 1) await client.send(query);
  }));
  client.destroy();
}

async function serveYear(request: YearRequest): Promise<void> {
  const SOURCE = 'irdr-bench-year';
  const local = await startTestStack({
    timeScale: 60,
    drillPlans: [testPlan({ id: 'year-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })],
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  try {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    // One real incident and one real drill run: their records are the templates.
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Template', severity: 'SEV2', summary: 'template for the synthetic year' });
    await local.waitForExecution(created.body.executionArn as string);
    const drills = drillSession(local);
    await drills.restorableSource(SOURCE, 5);
    const drill = await drills.runDrill('year-pitr');
    // The year's runs are clones of this one: a failed template would make a year of failed drills.
    if (drill.execution.status !== 'SUCCEEDED') throw new Error(`template drill ended ${drill.execution.status}: ${JSON.stringify(drill.view.run?.reasons)}`);
    const tableName = local.stack.tableName;
    const incidentTemplate = (await documents.send(new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(created.body.incidentId as string), [SK]: META_SK } }))).Item!;
    const runTemplate = (await documents.send(new GetCommand({ TableName: tableName, Key: { [PK]: drillRunPk(drill.runId), [SK]: META_SK } }))).Item!;

    const seedStart = performance.now();
    const target = { documents, tableName, startMs: request.startMs, spanMs: request.spanMs };
    await seedSyntheticIncidents(target, incidentTemplate, { count: request.incidents, events: request.eventsPerIncident });
    await seedSyntheticDrillRuns(target, runTemplate, { count: request.drillRuns, events: request.eventsPerDrillRun, planId: 'year-pitr', offsetMs: 3_600_000 });
    // The baseline: a second front on the same dynalite, reaching it over its port (no PITR table is read through it).
    const httpHop = await startDynamoDbFront({ backendEndpoint: local.stack.dynamodbBackendEndpoint, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, log: () => undefined });
    // Both fronts warmed alike (the hop's HTTP path in dynalite has not run yet: its JIT would be the baseline's cost).
    for (const endpoint of [local.stack.urls.dynamodb, httpHop.endpoint]) await warm(endpoint, tableName, incidentPk(created.body.incidentId as string));
    const ready: YearReady = {
      dynamodbEndpoint: local.stack.urls.dynamodb,
      httpHopEndpoint: httpHop.endpoint,
      tableName,
      seedSeconds: (performance.now() - seedStart) / 1000,
      apiUrl: local.stack.urls.api,
      auditorToken: local.stack.devTokens.tokenForName('dev-auditor'),
      kmsEndpoint: local.stack.environment.AWS_ENDPOINT_URL_KMS!,
    };
    process.send!(ready);
    // Served until the parent says it is done (or goes away). Asked 'cpu', it tells its CPU time so far.
    let memory: { beforeMb: number; peakMb: number; sampler: NodeJS.Timeout } | undefined;
    const rssMb = () => process.memoryUsage.rss() / 1_048_576;
    await new Promise<void>((resolve) => {
      process.on('message', (message) => {
        if (message === 'cpu') process.send!({ cpu: process.cpuUsage() } satisfies TableCpu);
        else if (message === 'memory-start') {
          const before = rssMb();
          memory = { beforeMb: before, peakMb: before, sampler: setInterval(() => (memory!.peakMb = Math.max(memory!.peakMb, rssMb())), MEMORY_SAMPLE_MS) };
          process.send!('memory-started');
        } else if (message === 'memory-stop' && memory) {
          clearInterval(memory.sampler);
          process.send!({ beforeMb: memory.beforeMb, peakMb: Math.max(memory.peakMb, rssMb()) } satisfies TableMemory);
        } else resolve();
      });
      process.once('disconnect', () => resolve());
    });
    await httpHop.stop();
  } finally {
    await local.stop();
  }
}

if (process.send) {
  process.once('message', (request: YearRequest) => {
    serveYear(request).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
