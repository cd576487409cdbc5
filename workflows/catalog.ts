import { compileRunbook, runbookHash } from './compile-runbook.js';
import { compileDrillStateMachine, DRILL_STATE_MACHINE_LOGICAL_ID } from './compile-drill.js';
import { compileReviewReminderStateMachine, REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID } from './compile-review-reminder.js';
import { compileEvidenceExportStateMachine, EVIDENCE_EXPORT_STATE_MACHINE_LOGICAL_ID } from './compile-evidence-export.js';
import { placeholdersOf, type AslDefinition } from './asl-fragments.js';
import { loadDrillPlans } from './load-drill-plans.js';
import { loadRunbooks } from './load-runbooks.js';
import { walkSteps, type Runbook } from '../functions/domain/runbook-schema.js';
import type { RunbookCatalog } from '../functions/domain/incident.js';

/** One state machine as both runtimes deploy it: the ASL with `${Placeholders}` and what it is for. */
export interface StateMachineBlueprint {
  /** Stable logical id, e.g. `Runbook-triage-notify`: the CDK construct id and the local name. */
  readonly logicalId: string;
  readonly kind: 'runbook';
  readonly runbookId: string;
  readonly title: string;
  readonly version: number;
  readonly hash: string;
  /** The runbook as loaded from its YAML (validated, defaults applied): what the ASL was compiled from. */
  readonly runbook: Runbook;
  readonly definition: AslDefinition;
  /** The `${Placeholders}` the definition uses; each must be substituted. */
  readonly placeholders: readonly string[];
}

/** Every state machine irdr deploys, built from workflows/ once, for lib/ and local/ alike. */
export function stateMachineBlueprints(): StateMachineBlueprint[] {
  const runbooks = loadRunbooks();
  assertDrillPlansExist(runbooks, new Set(loadDrillPlans().map((plan) => plan.id)));
  return runbooks.map((runbook) => {
    const definition = compileRunbook(runbook);
    return {
      logicalId: `Runbook-${runbook.id}`,
      kind: 'runbook',
      runbookId: runbook.id,
      title: runbook.title,
      version: runbook.version,
      hash: runbookHash(runbook),
      runbook,
      definition,
      placeholders: placeholdersOf(definition),
    };
  });
}

/** A `start-drill` step must name a plan in workflows/drills, or the runbook would fail when it gets there. */
export function assertDrillPlansExist(runbooks: readonly Runbook[], planIds: ReadonlySet<string>): void {
  for (const runbook of runbooks) {
    for (const { step } of walkSteps(runbook.steps)) {
      if (step.type === 'action' && step.drillPlanId !== undefined && !planIds.has(step.drillPlanId)) {
        throw new Error(`runbook ${runbook.id}, step ${step.id}: no drill plan "${step.drillPlanId}" in workflows/drills (plans: ${[...planIds].join(', ')})`);
      }
    }
  }
}

/** Replaces each `${Name}` with its value, as CloudFormation's DefinitionSubstitutions does. */
export function substitutePlaceholders(definitionJson: string, values: Readonly<Record<string, string>>): string {
  return definitionJson.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for placeholder ${whole}`);
    return value;
  });
}

/** A state machine of irdr's own (not a runbook), as both runtimes deploy it. */
export interface ServiceStateMachineBlueprint<Kind extends string> {
  readonly logicalId: string;
  readonly kind: Kind;
  readonly definition: AslDefinition;
  readonly placeholders: readonly string[];
}

/** The one drill state machine (every plan runs on it). */
export type DrillStateMachineBlueprint = ServiceStateMachineBlueprint<'drill'>;
/** The post-incident review's reminder (one execution per review, waiting until it is due). */
export type ReviewReminderStateMachineBlueprint = ServiceStateMachineBlueprint<'review-reminder'>;
/** The asynchronous evidence export (one execution per export, fanning out over the period's months). */
export type EvidenceExportStateMachineBlueprint = ServiceStateMachineBlueprint<'evidence-export'>;

const serviceBlueprint = <Kind extends string>(kind: Kind, logicalId: string, definition: AslDefinition): ServiceStateMachineBlueprint<Kind> => ({
  logicalId,
  kind,
  definition,
  placeholders: placeholdersOf(definition),
});

export function drillStateMachineBlueprint(): DrillStateMachineBlueprint {
  return serviceBlueprint('drill', DRILL_STATE_MACHINE_LOGICAL_ID, compileDrillStateMachine());
}

export function reviewReminderStateMachineBlueprint(): ReviewReminderStateMachineBlueprint {
  return serviceBlueprint('review-reminder', REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID, compileReviewReminderStateMachine());
}

export function evidenceExportStateMachineBlueprint(): EvidenceExportStateMachineBlueprint {
  return serviceBlueprint('evidence-export', EVIDENCE_EXPORT_STATE_MACHINE_LOGICAL_ID, compileEvidenceExportStateMachine());
}

/** The RUNBOOK_CATALOG entry of a deployed runbook: lib/ and local/ fill in its state machine's ARN. */
export const catalogEntryOf = (blueprint: StateMachineBlueprint, stateMachineArn: string): RunbookCatalog[string] => ({
  stateMachineArn,
  title: blueprint.title,
  version: blueprint.version,
  hash: blueprint.hash,
  controls: [...blueprint.runbook.controls],
});
