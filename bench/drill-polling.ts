/**
 * State transitions of one restore drill whose restore takes 20 simulated minutes: adaptive polling (the default)
 * against a fixed 30-second poll, on the local stack running the real drill state machine and handlers.
 * Standard workflows are billed per state transition, and every look is a Lambda invocation.
 *
 * Time runs 60× faster (a simulated 20 minutes is 20 s): at 600× each look's own few real milliseconds stretched the
 * fixed poll's 30 s by half, so its count moved with the machine. Both runs share the stack, the table and the restore time.
 */
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { executionHistory, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';
import { compared, type Bench } from './figure.js';
import { runIfMain } from './stats.js';

const SOURCE = 'irdr-bench-orders';
const RESTORE_MINUTES = 20;
const common = { source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }], targets: { rtoMinutes: 60, rpoMinutes: 15 } };
const plans = [testPlan({ id: 'adaptive', ...common }), testPlan({ id: 'fixed-30s', ...common, polling: { strategy: 'fixed', intervalSeconds: 30 } })];

export const bench: Bench = async () => {
  const local = await startTestStack({
    timeScale: 60,
    drillPlans: plans,
    dynamodbRecovery: { restoreDuration: { baseMs: RESTORE_MINUTES * 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  try {
    const drills = drillSession(local);
    await drills.restorableSource(SOURCE, 50);
    const measured: Record<string, { transitions: number; looks: number }> = {};
    for (const plan of plans) {
      const { execution, view } = await drills.runDrill(plan.id);
      if (execution.status !== 'SUCCEEDED') throw new Error(`drill ${plan.id} ended ${execution.status}/${view.run?.status}: ${JSON.stringify(view.run?.reasons)}`);
      const history = await executionHistory(local, execution.executionArn!);
      const looks = history.filter((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'Check restore').length;
      measured[plan.id] = { transitions: stateTransitions(history), looks };
    }
    const adaptive = measured.adaptive!;
    const fixed = measured['fixed-30s']!;
    const note = `one drill, ${RESTORE_MINUTES}-minute simulated restore, RTO target 60 min`;
    return [
      compared({ bench: 'drill-polling', name: 'adaptive: state transitions', value: adaptive.transitions, unit: 'transitions', baseline: { name: 'fixed 30 s poll', value: fixed.transitions }, note }),
      compared({ bench: 'drill-polling', name: 'adaptive: looks at the restore', value: adaptive.looks, unit: 'looks', baseline: { name: 'fixed 30 s poll', value: fixed.looks }, note }),
    ];
  } finally {
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);
