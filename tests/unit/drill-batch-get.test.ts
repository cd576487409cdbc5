import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { itemsByKey } from '../../functions/aws/drill/checks/batch-get.js';
import { exactDocuments } from '../../functions/aws/drill/checks/exact-documents.js';
import { canonicalItem } from '../../functions/domain/drill/item-digest.js';

const documents = mockClient(exactDocuments);
const key = { partitionKey: 'pk', sortKey: 'sk' };
const keys = [1, 2, 3].map((n) => ({ pk: `p${n}`, sk: 's' }));

afterEach(() => documents.reset());

describe('itemsByKey', () => {
  it('asks again for the keys DynamoDB left unprocessed', async () => {
    documents
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ ...keys[0], v: 1 }] }, UnprocessedKeys: { t: { Keys: keys.slice(1) } } })
      .resolvesOnce({ Responses: { t: [{ ...keys[2], v: 3 }] } });
    const found = await itemsByKey('t', key, keys);
    expect([...found.keys()]).toEqual([canonicalItem(keys[0]!), canonicalItem(keys[2]!)]);
    const calls = documents.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.RequestItems?.['t']).toEqual({ Keys: keys.slice(1), ConsistentRead: true });
  });

  it('gives up, throwing, when keys stay unprocessed', async () => {
    documents.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: keys } } });
    await expect(itemsByKey('t', key, keys)).rejects.toThrow('left 3 keys unprocessed after 6 retries');
    expect(documents.commandCalls(BatchGetCommand)).toHaveLength(7);
  });
});
