import * as z from '../domain/zod.js';
import { checkIdOf } from '../domain/drill-plan-schema.js';
import { verifyChain } from '../domain/chain-verify.js';
import { drillPlanHash } from '../domain/drill/plan-hash.js';
import { achievedSeconds, rpoOutcome, rtoOutcome } from '../domain/drill/objectives.js';
import { drillRunPk } from '../domain/keys.js';
import { requireEnvironment } from '../aws/environment.js';
import { listStoredEvents } from '../aws/event-trail.js';
import { getPlanState, getRun, listRunsOfPlan } from '../aws/drill/drill-run-store.js';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseQueryParameters, type ApiEvent } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

const RunsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  /** The `next` of the previous page. */
  // A run's GSI2 sort key (<time>#<runId>), no longer: DynamoDB refuses a key condition over its 1,024-byte sort-key limit.
  after: z.optional(z.string().check(z.regex(/^[0-9T:.Z+-]{10,35}#[A-Za-z0-9_-]{1,80}$/, 'the `next` value of a previous page'))),
});

/** GET /drills: every plan, what it checks and targets, its last run and any failure incident it has open. */
async function listPlans() {
  const plans = await Promise.all(
    bundledDrillPlans().map(async (plan) => {
      const [last, standing] = await Promise.all([listRunsOfPlan(tableName, plan.id, 1), getPlanState(tableName, plan.id)]);
      const lastRun = last.runs[0];
      return {
        id: plan.id,
        title: plan.title,
        owner: plan.owner,
        planHash: drillPlanHash(plan),
        schedule: plan.schedule,
        source: plan.source,
        driver: plan.driver.type,
        recoveryPoint: plan.recoveryPoint,
        targets: plan.targets,
        checks: plan.checks.map((check, index) => ({ id: checkIdOf(plan.checks, index), type: check.type })),
        controls: plan.controls,
        ...(lastRun && {
          // RTO and RPO only where the restored data was validated (objectives.ts): a failed check achieved neither.
          lastRun: {
            runId: lastRun.runId,
            status: lastRun.status,
            startedAt: lastRun.startedAt,
            rtoSeconds: achievedSeconds(rtoOutcome(lastRun)),
            rpo: rpoOutcome(lastRun).state === 'achieved' ? lastRun.rpo : undefined,
          },
        }),
        ...(standing?.openFailureIncidentId !== undefined && { openFailureIncidentId: standing.openFailureIncidentId }),
      };
    }),
  );
  return jsonResponse(200, { plans });
}

/** GET /drills/{planId}/runs?limit=&after=: the plan's runs, newest first. */
async function listRuns(event: ApiEvent) {
  const planId = event.pathParameters?.planId ?? '';
  if (!bundledDrillPlans().some((plan) => plan.id === planId)) throw new HttpError(404, `no drill plan "${planId}"`);
  const query = parseQueryParameters(event, RunsQuery);
  const page = await listRunsOfPlan(tableName, planId, query.limit, query.after);
  return jsonResponse(200, { planId, runs: page.runs, ...(page.next && { next: page.next }) });
}

/** GET /drill-runs/{runId}: the run, its trail oldest first, and whether the trail's hash chain is intact. */
async function readRun(event: ApiEvent) {
  const runId = event.pathParameters?.runId ?? '';
  const run = await getRun(tableName, runId);
  if (!run) throw new HttpError(404, `no drill run "${runId}"`);
  const stored = await listStoredEvents(tableName, drillRunPk(runId));
  const verdict = verifyChain(stored);
  // objectives: RTO and RPO as evidence (achieved only by validated data), also for runs stored before that rule.
  return jsonResponse(200, {
    run,
    objectives: { rto: rtoOutcome(run), rpo: rpoOutcome(run) },
    events: stored.map((entry) => entry.event),
    trail: { intact: verdict.problems.length === 0, length: verdict.length, headHash: verdict.headHash, problems: verdict.problems },
  });
}

export const handler = apiHandler(async (event) => {
  requireRole(event, 'readDrills');
  switch (event.routeKey) {
    case 'GET /drills':
      return listPlans();
    case 'GET /drills/{planId}/runs':
      return listRuns(event);
    case 'GET /drill-runs/{runId}':
      return readRun(event);
    default:
      throw new Error(`ReadDrills serves no route ${event.routeKey}`);
  }
});
