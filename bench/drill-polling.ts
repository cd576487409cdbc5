/**
 * State transitions of one restore drill whose restore takes 20 simulated minutes: adaptive polling (the default)
 * against a fixed 30-second poll, on the local stack running the real drill state machine and handlers.
 * Standard workflows are billed per state transition, and every look is a Lambda invocation.
 *
 *   npx tsx bench/drill-polling.ts
 *
 * Time runs 600× faster (a simulated 20 minutes is 2 s); both runs share the stack, the table and the restore time.
 */
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { executionHistory, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';

const SOURCE = 'irdr-bench-orders';
const RESTORE_MINUTES = 20;
const common = { source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }], targets: { rtoMinutes: 60, rpoMinutes: 15 } };
const plans = [
  testPlan({ id: 'adaptive', ...common }),
  testPlan({ id: 'fixed-30s', ...common, polling: { strategy: 'fixed', intervalSeconds: 30 } }),
];

const local = await startTestStack({
  timeScale: 600,
  drillPlans: plans,
  dynamodbRecovery: { restoreDuration: { baseMs: RESTORE_MINUTES * 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
});
try {
  const drills = drillSession(local);
  await drills.createSourceTable(SOURCE);
  await drills.seed(SOURCE, 50);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rows: Array<{ plan: string; status: string; transitions: number; looks: number }> = [];
  for (const plan of plans) {
    const { execution, view } = await drills.runDrill(plan.id);
    const history = await executionHistory(local, execution.executionArn!);
    const looks = history.filter((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'Check restore').length;
    rows.push({ plan: plan.id, status: `${execution.status}/${view.run?.status}`, transitions: stateTransitions(history), looks });
  }
  const [adaptive, fixed] = rows as [(typeof rows)[number], (typeof rows)[number]];
  console.log(`drill with a ${RESTORE_MINUTES}-minute (simulated) restore, RTO target 60 min`);
  for (const row of rows) console.log(`  ${row.plan.padEnd(10)} ${row.status.padEnd(18)} ${String(row.transitions).padStart(4)} state transitions, ${String(row.looks).padStart(3)} looks at the restore`);
  console.log(`  adaptive / fixed-30s: ${(adaptive.transitions / fixed.transitions).toFixed(2)} of the transitions, ${(adaptive.looks / fixed.looks).toFixed(2)} of the looks`);
} finally {
  await local.stop();
}
