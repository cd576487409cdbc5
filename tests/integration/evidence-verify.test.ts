import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSk, incidentPk } from '../../functions/domain/keys.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/** `irdr evidence verify` against the local stack, as a user would run it. */
const verify = (local: TestStack) => runIrdr(local, ['evidence', 'verify']);

describe('irdr evidence verify', () => {
  let local: TestStack;
  const incidentIds: string[] = [];

  beforeAll(async () => {
    local = await startTestStack();
    for (const title of ['Leaked key', 'Phishing report']) {
      const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV3', summary: 'for the evidence check' });
      expect(created.status).toBe(202);
      incidentIds.push(created.body.incidentId as string);
      expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
    }
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('passes on untouched trails', async () => {
    const result = await verify(local);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/verified 2 incident trails and 0 drill-run trails \(10 events, .*\) in irdr-local: every chain intact/);
  });

  it('exits non-zero naming an edited event and a deleted one, with expected and found values', async () => {
    const [edited, truncated] = incidentIds as [string, string];
    await local.dynamodb.send(
      new UpdateItemCommand({
        TableName: local.stack.tableName,
        Key: { PK: { S: incidentPk(edited) }, SK: { S: eventSk(2) } },
        UpdateExpression: 'SET actor = :someoneElse',
        ExpressionAttributeValues: { ':someoneElse': { S: 'arn:aws:iam::000000000000:user/mallory' } },
      }),
    );
    await local.dynamodb.send(
      new DeleteItemCommand({ TableName: local.stack.tableName, Key: { PK: { S: incidentPk(truncated) }, SK: { S: eventSk(3) } } }),
    );

    const result = await verify(local);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`${incidentPk(edited)} ${eventSk(2)}: edited; expected `);
    expect(result.output).toContain(`${incidentPk(truncated)} ${eventSk(4)}: missing; expected seq 3, found seq 4`);
    expect(result.output).toMatch(/3 problems in 2 of 2 incident trails and 0 drill-run trails/);
  });
});
