import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DrillPlan } from '../../../functions/domain/drill-plan-schema.js';
import { DRILL_TABLE_PREFIX } from '../../../functions/domain/drill-naming.js';
import { chooseRecoveryPoint } from '../../../functions/domain/drill/recovery-point-choice.js';
import { createPkSkTable } from '../../../local/dynamodb/pk-sk-table.js';
import type { TestStack } from './stack-session.js';

/** A plan as a test writes it (YAML's shape), validated and defaulted as plan files are. */
export const testPlan = (plan: Record<string, unknown>): DrillPlan =>
  DrillPlan.parse({
    title: `Test plan ${String(plan.id)}`,
    owner: 'drill-owner@example.com',
    schedule: { expression: 'rate(7 days)' },
    targets: { rtoMinutes: 60, rpoMinutes: 15 },
    recipients: { roles: ['commander'] },
    controls: ['SOC2 A1.3'],
    driver: { type: 'dynamodb-pitr' },
    ...plan,
  });

export interface DrillRunView {
  readonly run: Record<string, any>;
  readonly events: Array<{ type: string; detail?: Record<string, any> }>;
  readonly trail: { intact: boolean; length: number };
}

export function drillSession(local: TestStack) {
  const documents = DynamoDBDocumentClient.from(local.dynamodb);
  return {
    documents,
    /** A source table (pk, sk strings), with PITR unless told otherwise. */
    async createSourceTable(tableName: string, options: { pitr?: boolean } = {}) {
      await createPkSkTable(local.dynamodb, tableName, { pitr: options.pitr !== false });
    },
    /** Orders and a closed ledger partition, as the demo seeds them. */
    async seed(tableName: string, orders = 25) {
      const now = new Date().toISOString();
      const items = [
        ...Array.from({ length: orders }, (_, index) => ({ pk: `ORDER#${String(index).padStart(4, '0')}`, sk: 'META', total: index * 10, updatedAt: now })),
        ...Array.from({ length: 5 }, (_, index) => ({ pk: 'LEDGER#2025', sk: `ENTRY#${index}`, amount: 100 + index, currency: 'EUR' })),
      ];
      for (let start = 0; start < items.length; start += 25) {
        await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
      }
    },
    async put(tableName: string, item: Record<string, unknown>) {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    /** A PITR source table with `orders` seeded, once a drill starting now would restore all of them. */
    async restorableSource(tableName: string, orders?: number) {
      await this.createSourceTable(tableName);
      await this.seed(tableName, orders);
      await this.waitUntilRestorable(tableName);
    },
    /**
     * Waits until a drill starting now, restoring the latest point, would restore every write made to `tableName` so
     * far: LatestRestorableDateTime trails the clock (by the scaled lag), and the drill rounds it down to the second.
     * Bounded by `attempts`.
     */
    async waitUntilRestorable(tableName: string, attempts = 600) {
      const writtenBy = Date.now();
      let latest: Date | undefined;
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        const described = await local.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
        const pitr = described.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
        latest = pitr?.LatestRestorableDateTime;
        // The latest point moves with the clock: wait about as long as it is short of the writes (20 ms to 2 s), not 20 ms a look.
        let shortMs = 20;
        if (pitr?.EarliestRestorableDateTime && latest) {
          // The point the drill's preflight would pick from this window (the same rounding).
          const point = chooseRecoveryPoint({ type: 'latest' }, { kind: 'continuous', earliest: pitr.EarliestRestorableDateTime.toISOString(), latest: latest.toISOString() }, new Date());
          if (Date.parse(point.at) >= writtenBy) return;
          shortMs = Math.min(Math.max(writtenBy - Date.parse(point.at), 20), 2_000);
        }
        await new Promise((resolve) => setTimeout(resolve, shortMs));
      }
      throw new Error(`${tableName}: the latest restorable point (${latest?.toISOString()}) never reached ${new Date(writtenBy).toISOString()}`);
    },
    /** Starts the drill state machine (as the scheduler or the API would) and waits for its end. */
    async runDrill(planId: string, runId: string = randomUUID()) {
      const started = await local.sfn.send(
        new StartExecutionCommand({ stateMachineArn: local.stack.drillStateMachineArn, name: runId, input: JSON.stringify({ planId, trigger: 'api' }) }),
      );
      const execution = await local.waitForExecution(started.executionArn!, 2400);
      const view = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
      return { runId, execution, view: view.body as unknown as DrillRunView, status: view.status };
    },
    async tableExists(tableName: string): Promise<boolean> {
      try {
        await local.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return false;
        throw error;
      }
    },
    /** Tables a drill made that are still there. */
    async drillTables(): Promise<string[]> {
      const names = (await local.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
      return names.filter((name) => name.startsWith(DRILL_TABLE_PREFIX));
    },
  };
}
