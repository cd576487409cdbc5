import { writeFileSync } from 'node:fs';
import { RUNBOOK_SCHEMA_FILE, runbookJsonSchema } from './load-runbooks.js';

// `npm run runbook-schema`: regenerates workflows/runbook.schema.json from the zod schema (a unit test checks it is current).
writeFileSync(RUNBOOK_SCHEMA_FILE, `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
console.log(`wrote ${RUNBOOK_SCHEMA_FILE}`);
