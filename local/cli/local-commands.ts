import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LOCAL_DELIVER_PATH } from '../eventbridge/server.js';
import { describeDevTokens, NoLocalStackError, publishLocalStack, readLocalStack } from './local-stack-file.js';
import { busyPortMessage, type PortFlags } from './port-flags.js';
import { resolveDataDir } from '../stack-config.js';
import type { RunningLocalStack } from '../stack.js';
import type { DynamoDbBackend } from '../dynamodb/servers.js';

interface StartFlags {
  dynamodb: DynamoDbBackend;
  inMemory: boolean;
  dataDir: string;
  timeScale: number;
  port: number;
  sfnPort: number;
  dynamodbPort: number;
  sesPort: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  drillSchedules: boolean;
  eventsPort: number;
  lambdaPort: number;
}

/** `irdr local start`: runs the stack until Ctrl-C or SIGTERM, then stops every service cleanly. */
export async function localStartCommand(flags: StartFlags): Promise<void> {
  const startedAt = performance.now();
  // Only `local start` loads the stack (every service, every handler): `local env` and `deliver-event` read its file.
  const { startLocalStack } = await import('../stack.js');
  const stack = await startOrSayWhy(flags, () => startLocalStack({
    ports: { http: flags.port, stepFunctions: flags.sfnPort, dynamodb: flags.dynamodbPort, ses: flags.sesPort },
    dynamodb: flags.dynamodb,
    inMemory: flags.inMemory,
    dataDir: flags.dataDir,
    timeScale: flags.timeScale,
    handlerLogLevel: flags.logLevel,
    drillSchedules: flags.drillSchedules,
    eventBridgePort: flags.eventsPort,
    lambdaPort: flags.lambdaPort,
    log: (line) => console.log(`  ${line}`),
  }));
  if (!stack) return;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  // Written even with --in-memory: it is how `irdr local env` finds this start's endpoints and tokens (removed at stop).
  const unpublish = await publishLocalStack(resolveDataDir(flags.dataDir), stack.environment);
  console.log(`
irdr local stack is ready (${seconds} s, DynamoDB: ${stack.dynamodbBackend}${flags.timeScale !== 1 ? `, time x${flags.timeScale}` : ''})

  HTTP API        ${stack.urls.api}        (GET /health)
  Console (browser) ${stack.environment.IRDR_CONSOLE_URL}  (incidents, drills, evidence; pick a dev identity; docs/console.md)
  Review (browser) ${stack.urls.api}/review (read-only: the last 90 days verified, what awaits sign-off, the evidence report)
  Step Functions  ${stack.urls.stepFunctions}
  DynamoDB        ${stack.urls.dynamodb}   table ${stack.tableName}
  SES + mailbox   ${stack.urls.ses}        (open in a browser to read the emails)
${stack.slack ? `  Slack           ${stack.slack.endpoint}        (open in a browser: channels, threads, buttons; docs/slack.md)\n` : ''}  EventBridge     ${stack.urls.eventBridge}        (PutEvents on the default bus: findings open incidents)
  S3              ${stack.urls.s3}        (path-style; aws s3api ... after eval "$(npx irdr local env)")
  AWS Backup      ${stack.urls.backup}        (aws backup ... after eval "$(npx irdr local env)")
  RDS             ${stack.rds.endpoint}        (Postgres engines start when a database is made; docs/local-rds.md)
  RDS Data API    ${stack.rds.dataApiEndpoint}

State machines:
${stack.stateMachines.map((machine) => `  ${machine.stateMachineArn}`).join('\n')}
  ${stack.drillStateMachineArn}  (restore drills: npx irdr drills run <planId>)

${describeDevTokens(stack.devTokens)}

Try:
  curl -s -X POST ${stack.urls.api}/incidents -H 'Authorization: Bearer ${stack.devTokens.tokenOf('dev-responder')}' \\
    -H 'content-type: application/json' -H 'Idempotency-Key: ${randomUUID()}' \\
    -d '{"runbookId":"triage-notify","title":"Suspicious console login","severity":"SEV2","summary":"GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin"}'
  ${localEnvLine(flags.dataDir)}; aws stepfunctions list-executions --endpoint-url "$AWS_ENDPOINT_URL_SFN" \\
    --state-machine-arn ${stack.stateMachines.find((machine) => machine.blueprint.runbookId === 'triage-notify')?.stateMachineArn ?? '<arn>'}

Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    Promise.all([stack.stop(), unpublish()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * Starts the stack unless one already runs on the data dir; that, or a busy port (said as the flag that moves it), is
 * told on stderr with exit 1 instead of a stack trace.
 */
export async function startOrSayWhy(flags: PortFlags & { dataDir: string }, start: () => Promise<RunningLocalStack>): Promise<RunningLocalStack | undefined> {
  const dataDir = resolveDataDir(flags.dataDir);
  const running = await readLocalStack(dataDir).catch((error: unknown) => {
    if (error instanceof NoLocalStackError) return undefined;
    throw error;
  });
  if (running) {
    console.error(`irdr: a local stack already runs on ${dataDir} (its HTTP API ${running.IRDR_API_URL}): stop it first, or give another --data-dir`);
    process.exitCode = 1;
    return undefined;
  }
  try {
    return await start();
  } catch (error) {
    const busy = busyPortMessage(error, flags);
    if (!busy) throw error;
    console.error(`irdr: ${busy}`);
    process.exitCode = 1;
    return undefined;
  }
}

/** How to point this shell at the stack on dataDir: `irdr local env`, with --data-dir unless it is the default. */
export const localEnvLine = (dataDir: string): string =>
  `eval "$(npx irdr local env${resolveDataDir(dataDir) === resolveDataDir() ? '' : ` --data-dir ${shellWord(dataDir)}`})"`;

/**
 * `irdr local env`: the export lines of the stack running on the data dir, as it published them at start (its real
 * endpoints, digest store and digest key, this start's dev tokens: IRDR_TOKEN, IRDR_TOKEN_<NAME>). With none running
 * it says so and exits 1, printing nothing to eval.
 */
export async function localEnvCommand(flags: { dataDir: string }): Promise<void> {
  const environment = await runningStackOrSayWhy(flags.dataDir);
  if (!environment) return;
  for (const [name, value] of Object.entries(environment)) console.log(`export ${name}=${shellWord(value)}`);
}

/** The environment of the stack running on dataDir, or undefined once "no local stack …" is said (stderr, exit 1). */
async function runningStackOrSayWhy(dataDir: string): Promise<Readonly<Record<string, string>> | undefined> {
  try {
    return await readLocalStack(resolveDataDir(dataDir));
  } catch (error) {
    if (!(error instanceof NoLocalStackError)) throw error;
    console.error(`irdr: ${error.message}`);
    process.exitCode = 1;
    return undefined;
  }
}

/** A value as one shell word: as it is when safe, else single-quoted (a data dir may hold spaces). */
const shellWord = (value: string): string => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

/**
 * `irdr local deliver-event <file>`: hands a running local stack an event as an AWS service would put it on the bus
 * (e.g. tests/fixtures/guardduty-finding-event.json); prints what each matching rule's target made of it.
 */
export async function localDeliverEventCommand(file: string, flags: { endpointUrl?: string; dataDir: string }): Promise<void> {
  const event = await readEventFile(file);
  if (event === undefined) return;
  const endpoint = flags.endpointUrl || (await runningStackOrSayWhy(flags.dataDir))?.AWS_ENDPOINT_URL_EVENTBRIDGE;
  if (!endpoint) return;
  const response = await fetch(new URL(LOCAL_DELIVER_PATH, endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  const answer = (await response.json()) as { message?: string; eventId?: string; deliveries?: Array<{ rule: string; functionName: string; outcome: string; result?: unknown; error?: string }> };
  if (!response.ok) {
    console.error(`not delivered: ${answer.message ?? response.statusText}`);
    process.exitCode = 1;
    return;
  }
  const deliveries = answer.deliveries ?? [];
  if (deliveries.length === 0) console.log(`event ${answer.eventId}: no rule matched it`);
  for (const delivery of deliveries) {
    console.log(`event ${answer.eventId} → rule ${delivery.rule} → ${delivery.functionName}: ${delivery.outcome} ${JSON.stringify(delivery.result ?? delivery.error ?? null)}`);
  }
  if (deliveries.some((delivery) => delivery.outcome !== 'delivered')) process.exitCode = 1;
}

/** The event file as JSON, or undefined once what is wrong with it is said (stderr, exit 2): nothing is sent. */
async function readEventFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`irdr: cannot read ${file}: ${(error as Error).message}`);
    process.exitCode = 2;
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    console.error(`irdr: ${file} is not valid JSON (${(error as Error).message}): give one event as EventBridge hands it to targets, e.g. tests/fixtures/guardduty-finding-event.json`);
    process.exitCode = 2;
    return undefined;
  }
}
