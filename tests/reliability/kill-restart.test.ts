import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';

/**
 * The local stack killed (SIGKILL) while a runbook waits on a person and a drill is mid-restore, then started again on
 * the same data: both runs are marked aborted with a chained event, never silently lost, and the drill's table is gone;
 * the reminders of a review, a corrective action and report stages left open are started again.
 */
const ROOT = join(import.meta.dirname, '../..');
const SOURCE = 'irdr-restart-orders';
const COMPILE_CACHE = join(ROOT, 'node_modules', '.cache', 'irdr', 'compile-cache-stack-process');
const children: ChildProcess[] = [];
let dataDir: string | undefined;
/** dev-admin's token of the stack process running now (each start makes new ones). */
let adminToken = '';

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly urls: { api: string; dynamodb: string };
  output(): string;
}

async function startStackProcess(): Promise<Started> {
  // One process (not tsx's CLI, which would run the stack in a child the kill would miss), from its bundle as `irdr` runs.
  const child = spawn(process.execPath, [join(ROOT, 'tests/support/run-bundled.mjs'), 'tests/reliability/support/stack-process.ts', JSON.stringify({ dataDir, sourceTable: SOURCE, restoreMinutes: 10 })], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // V8's code for the stack's modules kept between the two starts (and runs): each start compiles less (keyed by source).
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"ready":true'));
    if (line) {
      const ready = JSON.parse(line) as { urls: Started['urls']; adminToken: string };
      adminToken = ready.adminToken;
      return { child, urls: ready.urls, output: () => stderr };
    }
    if (child.exitCode !== null) throw new Error(`the stack process exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the stack process never became ready: ${stderr}`);
}

async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the local stack killed mid-run and started again', () => {
  it('marks the runs it interrupted aborted, in their trails, and cleans up the drill\'s table', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'irdr-restart-'));
    const first = await startStackProcess();
    const dynamodb = new DynamoDBClient({ endpoint: first.urls.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await createPkSkTable(dynamodb, SOURCE, { pitr: true });
    for (let index = 0; index < 5; index += 1) {
      await dynamodb.send(new PutItemCommand({ TableName: SOURCE, Item: { pk: { S: `ORDER#${index}` }, sk: { S: 'META' } } }));
    }
    dynamodb.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // A runbook waiting on its first human task, and a drill whose restore takes 10 simulated minutes (10 s here).
    const opened = await api(first.urls.api, 'POST', '/incidents', { runbookId: 'security-incident', title: 'Killed mid-run', severity: 'SEV2', summary: 'restart test' }, { 'idempotency-key': randomUUID() });
    expect(opened.status).toBe(202);
    const incidentId = opened.body.incidentId as string;
    await until('the first human task', async () => ((await api(first.urls.api, 'GET', `/incidents/${incidentId}/tasks`)).body.tasks?.some((task: { status: string }) => task.status === 'open') ? true : undefined));
    const started = await api(first.urls.api, 'POST', '/drills/restart-pitr/runs', undefined, { 'idempotency-key': randomUUID() });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    await until('the restore to start', async () => ((await api(first.urls.api, 'GET', `/drill-runs/${runId}`)).body.run?.restore?.startedAt ? true : undefined));

    // A resolved incident whose post-incident review is open: its reminder waits in an execution the kill takes along.
    const reviewed = await api(first.urls.api, 'POST', '/incidents', { runbookId: 'triage-notify', title: 'Resolved before the kill', severity: 'SEV2', summary: 'restart test' }, { 'idempotency-key': randomUUID() });
    const reviewedId = reviewed.body.incidentId as string;
    // Its short runbook must have ended before the kill, or the restart rightly counts it among the interrupted runs.
    await until('the triage runbook to complete', async () => {
      const { body } = await api(first.urls.api, 'GET', `/incidents/${reviewedId}`);
      return (body.incident ?? body).runbookStatus === 'completed' ? true : undefined;
    });
    expect((await api(first.urls.api, 'POST', `/incidents/${reviewedId}/resolve`, { summary: 'fixed' })).body.reviewDueAt).toBeDefined();
    // Its corrective action and its NIS2 report stages wait for their reminders in executions the kill takes along too.
    const action = await api(first.urls.api, 'POST', `/incidents/${reviewedId}/actions`, { title: 'Rotate the keys', owner: 'rita@example.com', dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) });
    expect(action.status, JSON.stringify(action.body)).toBe(201);
    const classified = await api(first.urls.api, 'POST', `/incidents/${reviewedId}/classify`, { add: ['significant'], reason: 'Outage of an essential service' });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startStackProcess();
    expect(second.output()).toMatch(/marked 2 runs aborted that the last stop interrupted/);
    // NIS2's early warning and notification are open; its final report waits for the notification's submission.
    expect(second.output()).toMatch(/restarted the reminders of 1 of 1 open post-incident reviews, 1 of 1 open corrective actions, 2 of 2 unsubmitted report stages/);

    const incident = await api(second.urls.api, 'GET', `/incidents/${incidentId}`);
    expect(incident.status).toBe(200);
    const incidentRecord = incident.body.incident ?? incident.body;
    expect(incidentRecord.runbookStatus).toBe('aborted');
    const incidentTrail = (incident.body.timeline ?? incident.body.events ?? incident.body.trail?.events) as Array<{ type: string; detail?: { reason?: string } }>;
    expect(incidentTrail.at(-1)).toMatchObject({ type: 'runbook.aborted', detail: { reason: expect.stringContaining('the local stack stopped') } });

    const run = await api(second.urls.api, 'GET', `/drill-runs/${runId}`);
    expect(run.body.run).toMatchObject({ status: 'failed', reasons: [expect.stringMatching(/^aborted: /)] });
    expect(run.body.trail).toMatchObject({ intact: true });
    expect((run.body.events as Array<{ type: string }>).at(-1)?.type).toBe('drill.aborted');

    const client = new DynamoDBClient({ endpoint: second.urls.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    client.destroy();
    expect(tables.filter((name) => name.startsWith('irdr-drill-'))).toEqual([]);

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
