import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { drillVpcServicesOf } from '../functions/domain/drill/drill-vpc-services.js';
import type { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { DRILL_PLANS_DIR, loadDrillPlanFile } from '../workflows/load-drill-plans.js';

/** The plan files named, or every plan in workflows/drills. */
const planFiles = (files: readonly string[]): string[] =>
  files.length > 0 ? [...files] : readdirSync(DRILL_PLANS_DIR).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(DRILL_PLANS_DIR, name));

/**
 * `irdr drills validate [files...]`: each plan through the same schema synth and the drill functions load it with;
 * a refused plan prints every reason (field path and what to change) and the command exits 1. Plans checked or
 * canaried over the wire add the VPC endpoints the drill subnets need when they have no NAT gateway.
 */
export function drillsValidateCommand(files: readonly string[]): void {
  let refused = 0;
  const accepted: DrillPlan[] = [];
  for (const file of planFiles(files)) {
    try {
      const plan = loadDrillPlanFile(file);
      accepted.push(plan);
      console.log(`ok       ${file} (${plan.id})`);
    } catch (error) {
      refused += 1;
      console.log(`refused  ${(error as Error).message}`);
    }
  }
  // The precondition of wire plans: what the drill subnets must reach when they have no NAT gateway.
  for (const { service, endpointType, usedBy } of drillVpcServicesOf(accepted)) {
    console.log(`network  drill VPC without NAT: needs a ${endpointType.toLowerCase()} endpoint com.amazonaws.<region>.${service} (${usedBy.join('; ')})`);
  }
  if (refused > 0) process.exitCode = 1;
}
