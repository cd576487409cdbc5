import { DrillPlan } from '../../domain/drill-plan-schema.js';
import * as z from '../../domain/zod.js';

/** Defined (true) in the bundles of functions that carry DRILL_PLANS (lib/functions.ts bundledDefines), never read from the environment. */
declare const IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH: boolean | undefined;

/** The drill plans bundled into this function (DRILL_PLANS; see BundledValueName), validated once per text. */
let parsed: { readonly text: string; readonly plans: readonly DrillPlan[] } | undefined;

export function bundledDrillPlans(): readonly DrillPlan[] {
  // Written out as `process.env.NAME` on purpose: in Lambda esbuild's `define` has replaced it with the JSON text.
  const text = process.env.DRILL_PLANS;
  if (!text) throw new Error('DRILL_PLANS is not bundled into this function (see functions/registry.ts)');
  // A bundle's text is what synth made of the plans it loaded and validated (lib/functions.ts bundledDefines says so):
  // parsed again it comes back unchanged, so bundles skip the parse, and with it the plan schema and croner (~55 KB).
  if (parsed?.text !== text) parsed = { text, plans: typeof IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH === 'boolean' && IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH ? (JSON.parse(text) as DrillPlan[]) : z.array(DrillPlan).parse(JSON.parse(text)) };
  return parsed.plans;
}

export class UnknownDrillPlanError extends Error {
  override name = 'UnknownDrillPlanError';
}

/** The plan with this id; an unknown id says which exist. */
export function drillPlan(planId: string): DrillPlan {
  const plan = bundledDrillPlans().find((candidate) => candidate.id === planId);
  if (!plan) throw new UnknownDrillPlanError(`unknown drill plan "${planId}"; plans: ${bundledDrillPlans().map((known) => known.id).join(', ')}`);
  return plan;
}
