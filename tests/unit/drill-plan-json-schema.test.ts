import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRILL_PLAN_SCHEMA_FILE, drillPlanJsonSchema } from '../../workflows/load-drill-plans.js';

/* Editors validate drill plans against workflows/drill-plan.schema.json: it must say what the zod schema says. */
describe('the drill plan JSON Schema', () => {
  it('is generated from the zod schema, and the checked-in file is current (npm run runbook-schema)', () => {
    expect(JSON.parse(readFileSync(DRILL_PLAN_SCHEMA_FILE, 'utf8'))).toEqual(drillPlanJsonSchema());
  });
});
