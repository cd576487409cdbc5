import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';

const lines = (issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>): string =>
  issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');

/** The messages of a refused plan, one line each (what `irdr drills validate` prints); throws if it was accepted. */
export function refusal(input: unknown): string {
  const result = DrillPlan.safeParse(input);
  if (result.success) throw new Error('the plan was accepted');
  return lines(result.error.issues);
}

/** The plan as parsed; throws with each issue on its line if it was refused. */
export function accepted(input: unknown): DrillPlan {
  const result = DrillPlan.safeParse(input);
  if (!result.success) throw new Error(lines(result.error.issues));
  return result.data;
}
