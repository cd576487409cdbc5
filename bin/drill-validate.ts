import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DRILL_PLANS_DIR, loadDrillPlanFile } from '../workflows/load-drill-plans.js';

/** The plan files named, or every plan in workflows/drills. */
const planFiles = (files: readonly string[]): string[] =>
  files.length > 0 ? [...files] : readdirSync(DRILL_PLANS_DIR).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(DRILL_PLANS_DIR, name));

/**
 * `irdr drills validate [files...]`: each plan through the same schema synth and the drill functions load it with;
 * a refused plan prints every reason (field path and what to change) and the command exits 1.
 */
export function drillsValidateCommand(files: readonly string[]): void {
  let refused = 0;
  for (const file of planFiles(files)) {
    try {
      const plan = loadDrillPlanFile(file);
      console.log(`ok       ${file} (${plan.id})`);
    } catch (error) {
      refused += 1;
      console.log(`refused  ${(error as Error).message}`);
    }
  }
  if (refused > 0) process.exitCode = 1;
}
