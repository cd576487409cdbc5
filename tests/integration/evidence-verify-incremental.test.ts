import { storedTrailEventOf, trailEventItem } from '../../functions/domain/trail-event-item.js';
import type { TrailEventBody } from '../../functions/domain/trail-event.js';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
import { eventSk, incidentPk } from '../../functions/domain/keys.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/** `irdr evidence verify --checkpoint`: a trail verified yesterday is verified from its digest head on, and an insider's rewrite before that head still shows. */
describe('irdr evidence verify --checkpoint (incremental)', () => {
  let local: TestStack;
  let pk: string;
  let incidentId: string;
  const checkpointFile = join(mkdtempSync(join(tmpdir(), 'irdr-checkpoint-')), 'checkpoints.json');
  const verify = () => runIrdr(local, ['evidence', 'verify', '--checkpoint', checkpointFile]);

  beforeAll(async () => {
    local = await startTestStack();
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Leaked key', severity: 'SEV3', summary: 'for the incremental check' });
    expect(created.status).toBe(202);
    incidentId = created.body.incidentId as string;
    pk = incidentPk(incidentId);
    expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
    expect((await runIrdr(local, ['evidence', 'digest'])).code).toBe(0);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('verifies in full the first time and leaves a checkpoint at the digest head', async () => {
    const first = await verify();
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/(\d+) of \1 events verified fresh; 0 trails verified from their checkpoint/);
    const written = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { trails: Array<{ partitionKey: string; seq: number; digest: string }> };
    expect(written.trails).toEqual([expect.objectContaining({ partitionKey: pk, seq: expect.any(Number), digest: expect.stringMatching(/^digests\//) })]);
  });

  it('then reads and re-hashes only the events from the checkpoint on, naming the digest the rest is held to', async () => {
    const { trails } = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { trails: Array<{ seq: number; digest: string }> };
    expect((await local.api('POST', `/incidents/${incidentId}/notes`, { token: 'dev-commander', body: { text: 'Key rotated' } })).status).toBeLessThan(300);
    const second = await verify();
    expect(second.code).toBe(0);
    // The checkpoint's own event and the note after it.
    expect(second.output).toMatch(new RegExp(`2 of ${trails[0]!.seq + 1} events verified fresh; 1 trails verified from their checkpoint`));
    expect(second.output).toContain(`1 trails held, before their checkpoint, to digest ${trails[0]!.digest}`);
  });

  it('still catches a rewrite before the checkpoint re-hashed through to the end, naming the digest', async () => {
    const documents = DynamoDBDocumentClient.from(local.dynamodb);
    const { Items = [] } = await documents.send(new QueryCommand({ TableName: local.stack.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)', ExpressionAttributeValues: { ':pk': pk, ':evt': 'EVT#' }, ConsistentRead: true }));
    // Edit event 2 and re-hash every event from there, so the chain verifies on its own.
    let previous = Items[0] as unknown as ChainLink;
    for (const item of Items.slice(1)) {
      // As an insider who knows the schema: the event without its index keys is what is hashed; the item keeps them.
      const { event, eventsPartition } = storedTrailEventOf(item);
      const { seq: _seq, prevHash: _prevHash, hash: _hash, ...body } = event;
      const edited = item.seq === 2 ? { ...body, actor: 'arn:aws:iam::000000000000:user/mallory' } : body;
      previous = nextLink(edited, previous);
      await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: trailEventItem(pk, { ...(edited as TrailEventBody), ...previous }, eventsPartition) }));
    }
    expect((await runIrdr(local, ['evidence', 'verify'], { IRDR_EVIDENCE_DIGEST_STORE: '' })).code).toBe(0);
    const { trails } = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { trails: Array<{ seq: number; digest: string }> };
    const caught = await verify();
    expect(caught.code).toBe(1);
    expect(caught.output).toMatch(new RegExp(`${pk} ${eventSk(trails[0]!.seq)}: head-mismatch; expected ${trails[0]!.seq}:[0-9a-f]{64} \\(recorded by digest ${trails[0]!.digest.replaceAll('.', '\\.')}\\)`));
    expect(caught.output).toContain('checkpoints not updated: the run found problems');
  });
});
