import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A client whose table is still CREATING at the first DescribeTable, as dynalite's is when the look comes before its
 * own zero-delay timer (seen under load: the look comes first about one time in five). Only the two calls the helper makes.
 */
function tableCreatingAtFirstLook() {
  const calls: string[] = [];
  let looks = 0;
  const client = {
    config: {},
    send: async (command: unknown) => {
      if (command instanceof CreateTableCommand) {
        calls.push('CreateTable');
        return {};
      }
      if (command instanceof DescribeTableCommand) {
        looks += 1;
        calls.push('DescribeTable');
        return { Table: { TableName: command.input.TableName, TableStatus: looks === 1 ? 'CREATING' : 'ACTIVE' } };
      }
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  return { client: client as unknown as DynamoDBClient, calls };
}

describe('createPkSkTable', () => {
  it('looks again within a second when the local table is CREATING at the first look (the SDK waiter would pause 20 s)', async () => {
    vi.useFakeTimers();
    const { client, calls } = tableCreatingAtFirstLook();
    let made = false;
    const making = createPkSkTable(client, 'irdr-test-creating').then((table) => {
      made = true;
      return table;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made).toBe(true);
    expect((await making).TableStatus).toBe('ACTIVE');
    // Created once, a look that found it CREATING, the look that found it ACTIVE, and the description returned.
    expect(calls).toEqual(['CreateTable', 'DescribeTable', 'DescribeTable', 'DescribeTable']);
  });
});
