/**
 * A local stack in a process of its own, for tests that kill it: started on free ports with the data dir and drill
 * plan the test names, it prints one JSON line when ready and runs until killed.
 *
 *   node tests/support/run-bundled.mjs tests/reliability/support/stack-process.ts '{"dataDir":"/tmp/x","sourceTable":"orders","restoreMinutes":10}'
 *   (or tsx tests/reliability/support/stack-process.ts '{…}')
 */
import { startLocalStack } from '../../../local/stack.js';
import { testPlan } from '../../integration/support/drill-session.js';

const { dataDir, sourceTable, restoreMinutes } = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; sourceTable: string; restoreMinutes: number };
const stack = await startLocalStack({
  ports: { http: 0, stepFunctions: 0, dynamodb: 0, ses: 0 },
  dataDir,
  timeScale: 60,
  drillPlans: [testPlan({ id: 'restart-pitr', source: { type: 'dynamodb-table', tableName: sourceTable }, checks: [{ type: 'item-count' }] })],
  dynamodbRecovery: { restoreDuration: { baseMs: restoreMinutes * 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  handlerLogLevel: 'SILENT',
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(JSON.stringify({ ready: true, urls: stack.urls, tableName: stack.tableName, adminToken: stack.devTokens.tokenOf('dev-admin') }));
process.once('SIGTERM', () => {
  void stack.stop().then(() => process.exit(0));
});
