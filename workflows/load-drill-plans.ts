import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { loadYamlDefinition, loadYamlDefinitions } from './yaml-definitions.js';

export const DRILL_PLANS_DIR = fileURLToPath(new URL('./drills/', import.meta.url));
/** The generated JSON Schema that plan files name for editors (`# yaml-language-server: $schema=...`). */
export const DRILL_PLAN_SCHEMA_FILE = fileURLToPath(new URL('./drill-plan.schema.json', import.meta.url));

/** Parses and validates one drill plan file; errors name the file and the path inside it. */
export const loadDrillPlanFile = (file: string): DrillPlan => loadYamlDefinition(file, DrillPlan, 'drill plan');

/** Every plan in workflows/drills, sorted by id; duplicate ids are an error. */
export const loadDrillPlans = (dir: string = DRILL_PLANS_DIR): DrillPlan[] => loadYamlDefinitions(dir, DrillPlan, 'drill plan');

/** JSON Schema for editors, generated from the zod schema (never written by hand). */
export function drillPlanJsonSchema(): unknown {
  return { ...z.toJSONSchema(DrillPlan, { io: 'input' }), title: 'irdr restore drill plan' };
}
