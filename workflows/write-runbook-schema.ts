import { writeFileSync } from 'node:fs';
import { DRILL_PLAN_SCHEMA_FILE, drillPlanJsonSchema } from './load-drill-plans.js';
import { RUNBOOK_SCHEMA_FILE, runbookJsonSchema } from './load-runbooks.js';

// `npm run runbook-schema`: regenerates the editors' JSON Schemas from the zod schemas (a unit test checks they are current).
for (const [file, schema] of [
  [RUNBOOK_SCHEMA_FILE, runbookJsonSchema()],
  [DRILL_PLAN_SCHEMA_FILE, drillPlanJsonSchema()],
] as const) {
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
