import * as z from '../domain/zod.js';
import { controlMappingOf, type ControlMapping } from '../domain/evidence/control-summary.js';
import { ControlReference } from '../domain/evidence/controls.js';
import { PublishedRunbooks } from '../domain/published-runbook.js';
import { bundledDrillPlans } from './drill/plans.js';
import { bundledRunbookDefinitions } from './environment.js';

/** A published runbook's `controls`, validated as the runbook schema does rather than trusted. */
const RunbookControls = z.optional(z.array(ControlReference));

/** The controls the definitions bundled at deploy time name: the same mapping `irdr evidence export` reads from YAML. */
export function bundledControlMapping(): ControlMapping {
  return controlMappingOf(
    PublishedRunbooks.parse(JSON.parse(bundledRunbookDefinitions())).map(({ id, definition }) => ({ id, controls: RunbookControls.parse(definition['controls']) })),
    bundledDrillPlans(),
  );
}
