import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand, ScanCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.js';
import { createTableInput } from '../../local/dynamodb/table-definition.js';
import { startDynamoDbOnFreePort } from '../../local/dynamodb/servers.js';
import { LOCAL_CREDENTIALS, LOCAL_DEDUPLICATION_TABLE_NAME, LOCAL_HOST, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../local/stack-config.js';
import { startLocalStack } from '../../local/stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'irdr-dedup-upgrade-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * A data dir from before the deduplication table (DynamoDB Local, which has TTL): the evidence table alone, with the
 * TTL that let idempotency records expire in it. The stack adds the deduplication table and takes the TTL off.
 */
describe('local stack on a data dir from before the deduplication table', () => {
  it('creates the deduplication table with its TTL, takes TTL off the evidence table, and keys go to the new table', async () => {
    const before = await startDynamoDbOnFreePort({ backend: 'local', host: LOCAL_HOST, dataDir: join(dataDir, 'dynamodb-local') });
    const client = new DynamoDBClient({ endpoint: before.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await client.send(new CreateTableCommand(createTableInput(LOCAL_TABLE_NAME)));
    await client.send(new UpdateTimeToLiveCommand({ TableName: LOCAL_TABLE_NAME, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
    client.destroy();
    await before.stop();

    const stack = await startLocalStack({
      ports: { http: 0, stepFunctions: 0, dynamodb: await freePort(LOCAL_HOST), ses: 0 },
      dataDir,
      dynamodb: 'local',
      handlerLogLevel: 'SILENT',
      log: () => {},
    });
    const dynamodb = new DynamoDBClient({ endpoint: stack.urls.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(expect.arrayContaining([LOCAL_TABLE_NAME, LOCAL_DEDUPLICATION_TABLE_NAME]));
      const evidenceTtl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: LOCAL_TABLE_NAME }));
      expect(evidenceTtl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
      const deduplicationTtl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: LOCAL_DEDUPLICATION_TABLE_NAME }));
      expect(deduplicationTtl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });

      const open = () =>
        fetch(`${stack.urls.api}/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.devTokens.tokenForName('dev-responder')}`, 'content-type': 'application/json', 'idempotency-key': 'upgrade-1' },
          body: JSON.stringify({ runbookId: 'triage-notify', title: 'After the upgrade', severity: 'SEV4', summary: 'keys in the new table' }),
        });
      const first = await open();
      expect(first.status).toBe(202);
      const replay = await open();
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const keys = (await dynamodb.send(new ScanCommand({ TableName: LOCAL_DEDUPLICATION_TABLE_NAME }))).Items ?? [];
      expect(keys.map((item) => item.PK?.S)).toEqual(['IDEM#CreateIncident']);
    } finally {
      dynamodb.destroy();
      await stack.stop();
    }
  });
});
