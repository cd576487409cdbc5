import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf } from '../../bench/function-bundle.js';
import { RecordEventTask } from '../../functions/domain/runbook-step.js';
import { FUNCTION_BUNDLING } from '../../lib/functions.js';
import { startDynamoDbOnFreePort, type RunningDynamoDb } from '../../local/dynamodb/servers.js';
import { createDeduplicationTableInput, createTableInput } from '../../local/dynamodb/table-definition.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

/*
 * The Lambda bundles leave out what no function runs (lib/lambda-bundle-trims.ts) and the schemas no function uses
 * (lib/pure-schemas.ts); the integration tests run the handlers unbundled. So a bundle built with the functions'
 * options runs here, in a fresh Node as Lambda runs it, against a DynamoDB: a task handler (RecordEvent: parse, chain
 * append, signed writes) and Powertools idempotency (the field-path search standing in for JMESPath).
 */

const workdir = mkdtempSync(join(tmpdir(), 'irdr-lambda-bundle-runs-'));
let dynamodb: RunningDynamoDb;
let bundle: string;

const SCRIPT = `
import { handler } from './functions/tasks/record-event.ts';
import { idempotentOperation } from './functions/aws/idempotency.ts';
const context = { functionName: 'bundle', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30_000 };
const outcome = async (run) => { try { return { value: await run() }; } catch (error) { return { error: error.name, message: error.message, ...(error.cause && { cause: error.cause.name }) }; } };
const step = { incidentId: 'INC-BUNDLE', stepId: 'triage', executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:irdr:run-1' };
let runs = 0;
const once = idempotentOperation({ operation: 'bundle-check', tableName: process.env.DEDUPLICATION_TABLE_NAME }, async ({ request }) => ({ run: ++runs, echoed: request }));
const key = { caller: 'arn:aws:sts::123456789012:assumed-role/Responder/rita', key: 'key-1' };
const results = {
  first: await outcome(() => handler({ ...step, type: 'step.started', detail: { note: 'first' } }, context)),
  second: await outcome(() => handler({ ...step, type: 'step.completed' }, context)),
  refused: await outcome(() => handler({ ...step, type: '', detail: 'not an object' }, context)),
  original: await outcome(() => once({ idempotencyKey: key, request: { title: 'one' } }, context)),
  replay: await outcome(() => once({ idempotencyKey: key, request: { title: 'one' } }, context)),
  otherRequest: await outcome(() => once({ idempotencyKey: key, request: { title: 'two' } }, context)),
  otherCaller: await outcome(() => once({ idempotencyKey: { ...key, caller: 'arn:aws:sts::123456789012:assumed-role/Responder/sam' }, request: { title: 'one' } }, context)),
  noKey: await outcome(() => once({ idempotencyKey: { caller: '', key: '' }, request: { title: 'one' } }, context)),
};
process.stdout.write(JSON.stringify(results));
`;

beforeAll(async () => {
  dynamodb = await startDynamoDbOnFreePort({ backend: 'embedded', host: '127.0.0.1' });
  const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand(createTableInput('irdr-bundle-evidence')));
  await client.send(new CreateTableCommand(createDeduplicationTableInput('irdr-bundle-deduplication')));
  client.destroy();
  const { outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
  bundle = join(workdir, outfile);
  await build({ ...options, stdin: { contents: SCRIPT, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'bundle-runs.ts' }, outfile: bundle, absWorkingDir: PROJECT_ROOT, logLevel: 'warning' });
});
afterAll(async () => {
  await dynamodb?.stop();
  rmSync(workdir, { recursive: true, force: true });
});

type Outcome = { value?: unknown; error?: string; message?: string; cause?: string };

describe('a function bundle, run as Lambda runs it', () => {
  it('records events on the chain, refuses a bad step with the words of the unbundled schema, and replays idempotent calls', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ACCESS_KEY_ID: 'ASIALAMBDAROLEEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'lambda-secret',
      AWS_SESSION_TOKEN: 'lambda-session-token',
      TABLE_NAME: 'irdr-bundle-evidence',
      DEDUPLICATION_TABLE_NAME: 'irdr-bundle-deduplication',
      POWERTOOLS_SERVICE_NAME: 'irdr',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', bundle], { env, timeout: 30_000 });
    const results = JSON.parse(stdout) as Record<string, Outcome>;
    const first = results.first!.value as { seq: number; hash: string };
    const second = results.second!.value as { seq: number; hash: string };
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.seq).toBe(first.seq + 1);
    // zod/mini with the English locale, as the handler gives it unbundled: same issues, same words.
    const unbundled = RecordEventTask.safeParse({ incidentId: 'INC-BUNDLE', stepId: 'triage', executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:irdr:run-1', type: '', detail: 'not an object' });
    expect(results.refused).toEqual({ error: '$ZodError', message: unbundled.error!.message });
    expect(results.refused!.message).toMatch(/Too small: expected string to have >=1 characters/);
    expect(results.original).toEqual({ value: { run: 1, echoed: { title: 'one' } } });
    expect(results.replay).toEqual({ value: { run: 1, echoed: { title: 'one' } } });
    expect(results.otherRequest!.error).toBe('IdempotencyValidationError');
    expect(results.otherCaller).toEqual({ value: { run: 2, echoed: { title: 'one' } } });
    // As unbundled: Powertools wraps the missing key's error in its persistence error.
    expect(results.noKey).toMatchObject({ error: 'IdempotencyPersistenceLayerError', cause: 'IdempotencyKeyError' });
  });
});
