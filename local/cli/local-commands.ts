import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LOCAL_DELIVER_PATH } from '../eventbridge/server.js';
import { devIdentities } from '../dev-identities.js';
import { LOCAL_HOST, localDigestPublicKeyPath, localDigestStoreUrl, localEnvironment, resolveDataDir } from '../stack-config.js';
import { startLocalStack } from '../stack.js';
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
  const stack = await startLocalStack({
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
  });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const [firstIdentity] = devIdentities;
  console.log(`
irdr local stack is ready (${seconds} s, DynamoDB: ${stack.dynamodbBackend}${flags.timeScale !== 1 ? `, time x${flags.timeScale}` : ''})

  HTTP API        ${stack.urls.api}        (GET /health)
  Review (browser) ${stack.urls.api}/review (read-only: the last 90 days verified, what awaits sign-off, the evidence report)
  Step Functions  ${stack.urls.stepFunctions}
  DynamoDB        ${stack.urls.dynamodb}   table ${stack.tableName}
  SES + mailbox   ${stack.urls.ses}        (open in a browser to read the emails)
  EventBridge     ${stack.urls.eventBridge}        (PutEvents on the default bus: findings open incidents)

State machines:
${stack.stateMachines.map((machine) => `  ${machine.stateMachineArn}`).join('\n')}
  ${stack.drillStateMachineArn}  (restore drills: npx irdr drills run <planId>)

Dev tokens (Authorization: Bearer <token>):
${devIdentities.map((identity) => `  ${identity.token.padEnd(16)} ${identity.userArn}`).join('\n')}

Try:
  curl -s -X POST ${stack.urls.api}/incidents -H 'Authorization: Bearer ${firstIdentity?.token}' \\
    -H 'content-type: application/json' -H 'Idempotency-Key: ${randomUUID()}' \\
    -d '{"runbookId":"triage-notify","title":"Suspicious console login","severity":"SEV2","summary":"GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin"}'
  eval "$(npx irdr local env)"; aws stepfunctions list-executions --endpoint-url "$AWS_ENDPOINT_URL_SFN" \\
    --state-machine-arn ${stack.stateMachines.find((machine) => machine.blueprint.runbookId === 'triage-notify')?.stateMachineArn ?? '<arn>'}

Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    stack.stop().then(
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

/** `irdr local env`: export lines for the AWS CLI and SDKs (Debian's awscli 2.9 also needs --endpoint-url). */
export function localEnvCommand(flags: { port: number; sfnPort: number; dynamodbPort: number; sesPort: number; eventsPort: number; lambdaPort: number; dataDir: string }): void {
  const environment = localEnvironment({
    api: `http://${LOCAL_HOST}:${flags.port}`,
    dynamodb: `http://${LOCAL_HOST}:${flags.dynamodbPort}`,
    stepFunctions: `http://${LOCAL_HOST}:${flags.sfnPort}`,
    ses: `http://${LOCAL_HOST}:${flags.sesPort}`,
    eventBridge: `http://${LOCAL_HOST}:${flags.eventsPort}`,
    lambda: `http://${LOCAL_HOST}:${flags.lambdaPort}`,
    digestStore: localDigestStoreUrl(resolveDataDir(flags.dataDir)),
    digestPublicKey: localDigestPublicKeyPath(resolveDataDir(flags.dataDir)),
  });
  for (const [name, value] of Object.entries(environment)) console.log(`export ${name}=${value}`);
}

/**
 * `irdr local deliver-event <file>`: hands a running local stack an event as an AWS service would put it on the bus
 * (e.g. tests/fixtures/guardduty-finding-event.json); prints what each matching rule's target made of it.
 */
export async function localDeliverEventCommand(file: string, flags: { eventsPort: number }): Promise<void> {
  const response = await fetch(`http://${LOCAL_HOST}:${flags.eventsPort}${LOCAL_DELIVER_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: await readFile(file, 'utf8'),
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
