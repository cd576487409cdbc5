import { storedTrailEventOf, trailEventItem } from '../../functions/domain/trail-event-item.js';
import type { TrailEventBody } from '../../functions/domain/trail-event.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestStoreAt } from '../../functions/aws/digest-store.js';
import { generateKeyPairSync } from 'node:crypto';
import { buildDigest, signDigest } from '../../functions/domain/evidence/digest.js';
import { keySigner } from '../../functions/domain/evidence/export-manifest.js';
import { nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
import { incidentPk } from '../../functions/domain/keys.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const period = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
const verifyQuery = `/evidence/verify?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;

/**
 * The security review's attack, as an insider with write access to the table would make it: edit the decision in an
 * event, delete every event after it, re-hash the chain so it verifies on its own, then wait for the next digest.
 */
describe('an insider rewrites a trail between two digests', () => {
  let local: TestStack;
  let incidentId: string;
  let pk: string;
  let firstDigest: string;

  async function trailItems(): Promise<Array<Record<string, unknown>>> {
    const { Items } = await DynamoDBDocumentClient.from(local.dynamodb).send(
      new QueryCommand({
        TableName: local.stack.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)',
        ExpressionAttributeValues: { ':pk': pk, ':evt': 'EVT#' },
        ConsistentRead: true,
      }),
    );
    return Items ?? [];
  }

  beforeAll(async () => {
    local = await startTestStack();
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Vendor access request', severity: 'SEV3', summary: 'needs a decision' });
    expect(created.status).toBe(202);
    incidentId = created.body.incidentId as string;
    pk = incidentPk(incidentId);
    expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
    for (const text of ['Decision: rejected, the vendor has no DPA', 'Vendor told', 'Access stays closed']) {
      expect((await local.api('POST', `/incidents/${incidentId}/notes`, { token: 'dev-commander', body: { text } })).status).toBeLessThan(300);
    }
    const written = await runIrdr(local, ['evidence', 'digest']);
    expect(written.code).toBe(0);
    firstDigest = /digest (digests\/\S+\.json) written/.exec(written.output)![1]!;
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('the rewrite verifies as a chain on its own', async () => {
    const items = await trailItems();
    const decision = items.findIndex((item) => JSON.stringify(item).includes('Decision: rejected'));
    expect(decision).toBeGreaterThan(0);
    // Edit the decision, drop what came after it, re-hash from the edit on: what the code's own hashEvent allows anyone to do.
    for (const item of items.slice(decision + 1)) {
      await DynamoDBDocumentClient.from(local.dynamodb).send(new DeleteCommand({ TableName: local.stack.tableName, Key: { PK: pk, SK: item.SK } }));
    }
    let previous = items[decision - 1] as unknown as ChainLink;
    // As an insider who knows the schema: the event without its index keys is what is hashed; the item keeps them.
    const { event, eventsPartition } = storedTrailEventOf(items[decision]!);
    const { seq: _seq, prevHash: _prevHash, hash: _hash, ...body } = event;
    const forged = JSON.parse(JSON.stringify(body).replace('Decision: rejected', 'Decision: approved')) as TrailEventBody;
    previous = nextLink(forged, previous);
    await DynamoDBDocumentClient.from(local.dynamodb).send(new PutCommand({ TableName: local.stack.tableName, Item: trailEventItem(pk, { ...forged, ...previous }, eventsPartition) }));

    const chainOnly = await runIrdr(local, ['evidence', 'verify'], { IRDR_EVIDENCE_DIGEST_STORE: '' });
    expect(chainOnly.code).toBe(0);
  });

  it('the next digest refuses the rewritten head, keeps the recorded one, says so and exits non-zero (the alarm\'s log line counts it)', async () => {
    const second = await runIrdr(local, ['evidence', 'digest']);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(new RegExp(`refused ${pk}: digest ${firstDigest.replaceAll('.', '\\.')} recorded \\d+:[0-9a-f]{64}, the table holds no event \\d+`));
    expect(second.output).toContain('1 trails no longer extend the last digest');

    // The function the daily schedule invokes logs the count the Evidence-DigestRefusedHeads alarm's metric filter reads.
    const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: local.stack.environment.AWS_REGION, credentials: { accessKeyId: 'irdrlocal', secretAccessKey: 'irdrlocal' } });
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'WriteEvidenceDigest', Payload: Buffer.from('{}') }));
    expect(invoked.FunctionError).toBeUndefined();
    const payload = JSON.parse(Buffer.from(invoked.Payload!).toString()) as { refused: Array<{ partitionKey: string; recorded: { digest: string } }> };
    expect(payload.refused).toEqual([expect.objectContaining({ partitionKey: pk })]);
    // A day later it is still refused: the carried head is what the next digest compares with, so it is never absorbed.
    expect(payload.refused[0]!.recorded.digest).not.toBe(firstDigest);
  });

  it('irdr evidence verify and GET /evidence/verify report the trail and the digest it contradicts', async () => {
    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.output).toMatch(new RegExp(`${pk} seq \\d+: head-mismatch; expected \\d+:[0-9a-f]{64} \\(recorded by digest ${firstDigest.replaceAll('.', '\\.')}\\)`));

    const api = await local.api('GET', verifyQuery, { token: 'dev-auditor' });
    expect(api.status).toBe(200);
    expect(api.body.intact).toBe(false);
    expect(api.body.problems).toEqual([expect.objectContaining({ partitionKey: pk, kind: 'head-mismatch', expected: expect.stringContaining(`(recorded by digest ${firstDigest})`) })]);
  });

  it('a digest someone else puts into the store, recording the rewrite, is not the writer\'s and does not make it pass', async () => {
    const store = digestStoreAt(local.stack.environment.IRDR_EVIDENCE_DIGEST_STORE!);
    const { names } = await store.list();
    const items = await trailItems();
    const head = items.at(-1)!;
    // Whoever can write the store but not sign with the digest key (its policy lets only the writer's role sign).
    const ownKey = keySigner(generateKeyPairSync('ed25519').privateKey);
    const unsigned = buildDigest({
      writtenAt: new Date(Date.now() + 60_000).toISOString(),
      tableName: local.stack.tableName,
      listsOpenedFrom: period.from,
      heads: [{ partitionKey: pk, openedAt: new Date().toISOString(), seq: head.seq as number, hash: head.hash as string }],
      previous: await store.get(names.at(-1)!),
    });
    const { stored } = await signDigest(unsigned, ownKey);
    await store.put(stored);

    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`(recorded by digest ${firstDigest})`);
    expect(verified.output).toContain(`digest ${stored.name}: expected ${pk} to extend`);
    expect(verified.output).toMatch(new RegExp(`digest ${stored.name.replaceAll('.', '\\.')}: expected signed by the digest writer's key sha256:[0-9a-f]{64}, found a signature by sha256:`));
    // Nor does the writer build on it: the next digest is refused until someone finds out who wrote that one.
    const next = await runIrdr(local, ['evidence', 'digest']);
    expect(next.code).toBe(1);
    expect(next.output).toContain(`the newest digest ${stored.name} is not one this writer signed`);
    const api = await local.api('GET', verifyQuery, { token: 'dev-auditor' });
    expect(api.body.digests).toMatchObject({ signaturesChecked: true, problems: expect.arrayContaining([expect.objectContaining({ name: stored.name, found: expect.stringMatching(/^a signature by/) })]) });
  });

  it('every digest the writer wrote verifies against the key the stack pins, and irdr evidence verify says it checked', async () => {
    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.output).toContain(', every signature checked');
    const unpinned = await runIrdr(local, ['evidence', 'verify'], { IRDR_EVIDENCE_DIGEST_PUBLIC_KEY: '' });
    expect(unpinned.output).toContain('signatures not checked (--digest-public-key-file)');
  });
});
