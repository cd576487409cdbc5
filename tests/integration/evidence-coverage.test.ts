import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

describe('irdr evidence coverage', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
    // The example plans restore irdr-demo-orders; nothing restores the sessions table; a drill's copy is transient.
    for (const name of ['irdr-demo-orders', 'irdr-test-sessions', 'irdr-drill-orders-pitr-left-over']) await createPkSkTable(local.dynamodb, name);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('lists the tables no plan restores, then those whose plans have not passed lately, and exits 1', async () => {
    const result = await runIrdr(local, ['evidence', 'coverage']);
    expect(result.code).toBe(1);
    const lines = result.output.trim().split('\n');
    const statusOf = (table: string) => lines.find((line) => line.startsWith(`${table} `))?.split(/\s+/)[1];
    expect(statusOf('irdr-test-sessions')).toBe('uncovered');
    expect(statusOf('irdr-local')).toBe('uncovered');
    // Idempotency records and finding claims: a table of its own, which no plan restores either.
    expect(statusOf('irdr-local-deduplication')).toBe('uncovered');
    expect(statusOf('irdr-demo-orders')).toBe('stale');
    const demo = lines.find((line) => line.startsWith('irdr-demo-orders '))!;
    for (const plan of ['orders-pitr', 'orders-backup', 'ledger-archive-pitr']) expect(demo).toContain(plan);
    expect(demo).toMatch(/ \/ never passed \(its plans have never passed\)$/);
    expect(result.output).not.toContain('irdr-drill-orders-pitr-left-over');
    // Uncovered first, then stale.
    expect(lines.findIndex((line) => line.startsWith('irdr-test-sessions '))).toBeLessThan(lines.findIndex((line) => line.startsWith('irdr-demo-orders ')));
    expect(lines.at(-1)).toBe('4 tables: 0 covered by a recent passing drill, 4 uncovered or stale');
  });

  it('says its item counts are DynamoDB\'s estimate (refreshed about every 6 h), and counts them on --count', async () => {
    const { BatchWriteItemCommand } = await import('@aws-sdk/client-dynamodb');
    const items = Array.from({ length: 7 }, (_, index) => ({ PutRequest: { Item: { pk: { S: `SESSION#${index}` }, sk: { S: 'META' } } } }));
    await local.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { 'irdr-test-sessions': items } }));
    const itemsOf = (output: string) => output.split('\n').find((line) => line.startsWith('irdr-test-sessions '))?.split(/\s+/)[2];

    const estimated = await runIrdr(local, ['evidence', 'coverage']);
    // DescribeTable's ItemCount, marked as an estimate and explained (AWS's lags up to 6 hours; the local one is fresh).
    expect(itemsOf(estimated.output)).toBe('~7');
    expect(estimated.output).toContain("items: ~ DynamoDB's estimate (DescribeTable ItemCount, refreshed about every 6 hours");

    const counted = await runIrdr(local, ['evidence', 'coverage', '--count']);
    expect(itemsOf(counted.output)).toBe('7');
    expect(counted.output).toContain('items: counted now with a Scan of each table');
    expect(counted.output.trim().split('\n').at(-1)).toMatch(/^\d+ tables: 0 covered by a recent passing drill, \d+ uncovered or stale$/);
  });
});
