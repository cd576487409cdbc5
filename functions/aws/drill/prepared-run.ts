import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import type { DrillExecutionState, PreparedRun } from '../../domain/drill/run.js';
import { drillPlan } from './plans.js';

/** The prepared run and its plan, for steps that only run after Prepare succeeded. */
export function preparedRunOf(state: DrillExecutionState): { run: PreparedRun; plan: DrillPlan } {
  if (!state.run) throw new Error('this drill step needs the prepared run ($.run), which Prepare writes');
  return { run: state.run, plan: drillPlan(state.run.planId) };
}
