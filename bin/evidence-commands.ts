import { verifyDrillRunTrails, verifyIncidentTrails, type TrailVerification } from '../functions/aws/trail-verification.js';

interface VerifyFlags {
  from: string;
  to: string;
  tableName: string;
}

/**
 * `irdr evidence verify`: recomputes every incident and drill-run trail of the period and exits non-zero on any
 * edited, inserted, reordered or deleted event, naming the item (keys) with expected and found values.
 * It talks to DynamoDB through the SDK's usual settings (`eval "$(npx irdr local env)"` for the local stack).
 */
export async function evidenceVerifyCommand(flags: VerifyFlags): Promise<void> {
  let events = 0;
  let problems = 0;
  const onTrail = (trail: TrailVerification): void => {
    events += trail.length;
    for (const problem of trail.problems) {
      problems += 1;
      console.log(`${trail.partitionKey} ${problem.sortKey}: ${problem.kind}; expected ${problem.expected}, found ${problem.found}`);
    }
  };
  const period = { from: flags.from, to: flags.to };
  const incidents = await verifyIncidentTrails(flags.tableName, period, onTrail);
  const drillRuns = await verifyDrillRunTrails(flags.tableName, period, onTrail);
  const verifications = [...incidents, ...drillRuns];
  const broken = verifications.filter((trail) => trail.problems.length > 0).length;
  const trails = `${incidents.length} incident trails and ${drillRuns.length} drill-run trails`;
  const span = `${flags.from} .. ${flags.to}`;
  if (problems === 0) {
    console.log(`verified ${trails} (${events} events, ${span}) in ${flags.tableName}: every chain intact`);
    return;
  }
  console.log(`${problems} problems in ${broken} of ${trails} (${span}) in ${flags.tableName}`);
  process.exitCode = 1;
}
