import type { PublishedRunbooks } from '../functions/domain/published-runbook.js';
import type { StateMachineBlueprint } from './catalog.js';

/**
 * The RUNBOOK_DEFINITIONS value, for lib/ (bundled into the function) and local/ alike: each runbook's
 * identity and its definition as loaded, so the API never reads YAML at run time.
 */
export function publishedRunbooks(blueprints: readonly StateMachineBlueprint[]): PublishedRunbooks {
  return blueprints
    .filter((blueprint) => blueprint.kind === 'runbook')
    .map((blueprint) => ({
      id: blueprint.runbookId,
      title: blueprint.title,
      version: blueprint.version,
      hash: blueprint.hash,
      ...(blueprint.runbook.description !== undefined && { description: blueprint.runbook.description }),
      definition: blueprint.runbook as unknown as Record<string, unknown>,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
