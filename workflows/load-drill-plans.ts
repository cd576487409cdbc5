import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { irdrConfig } from '../functions/config.js';
import { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { drillDatabaseNetworkIssues } from '../functions/domain/drill/rds-plan.js';
import { loadYamlDefinition, loadYamlDefinitions } from './yaml-definitions.js';

export const DRILL_PLANS_DIR = fileURLToPath(new URL('./drills/', import.meta.url));
/** The generated JSON Schema that plan files name for editors (`# yaml-language-server: $schema=...`). */
export const DRILL_PLAN_SCHEMA_FILE = fileURLToPath(new URL('./drill-plan.schema.json', import.meta.url));

/** A plan as deployed here: the schema, and a database restore that stays in the drill network from config. */
export const DeployableDrillPlan = DrillPlan.check(z.superRefine((plan, context) => {
  for (const issue of drillDatabaseNetworkIssues(plan, irdrConfig.drills?.database)) context.addIssue({ code: 'custom', ...issue });
}));

/** Parses and validates one drill plan file; errors name the file and the path inside it. */
export const loadDrillPlanFile = (file: string): DrillPlan => loadYamlDefinition(file, DeployableDrillPlan, 'drill plan');

/** Every plan in workflows/drills, sorted by id; duplicate ids are an error. */
export const loadDrillPlans = (dir: string = DRILL_PLANS_DIR): DrillPlan[] => loadYamlDefinitions(dir, DeployableDrillPlan, 'drill plan');

/** JSON Schema for editors, generated from the zod schema (never written by hand). */
export function drillPlanJsonSchema(): unknown {
  return { ...z.toJSONSchema(DrillPlan, { io: 'input' }), title: 'irdr restore drill plan' };
}
