import { describe, expect, it } from 'vitest';
import { PublishedRunbooks, runbookSummary } from '../../functions/domain/published-runbook.js';
import type { StateMachineBlueprint } from '../../workflows/catalog.js';
import { publishedRunbooks } from '../../workflows/published-runbooks.js';

const blueprint = (id: string, description?: string): StateMachineBlueprint =>
  ({
    logicalId: `Runbook-${id}`,
    kind: 'runbook',
    runbookId: id,
    title: `Title of ${id}`,
    version: 3,
    hash: id[0]!.repeat(64),
    runbook: { id, title: `Title of ${id}`, version: 3, ...(description && { description }), steps: [{ id: 'one' }] },
    definition: { StartAt: 'x', States: {} },
    placeholders: [],
  }) as unknown as StateMachineBlueprint;

describe('publishedRunbooks', () => {
  it('publishes each runbook\'s identity and its definition as loaded, sorted by id, and nothing of its ASL', () => {
    const published = publishedRunbooks([blueprint('zeta'), blueprint('alpha', 'First of all')]);
    expect(PublishedRunbooks.parse(published)).toEqual(published);
    expect(published.map((runbook) => runbook.id)).toEqual(['alpha', 'zeta']);
    expect(published[0]).toEqual({
      id: 'alpha',
      title: 'Title of alpha',
      version: 3,
      hash: 'a'.repeat(64),
      description: 'First of all',
      definition: { id: 'alpha', title: 'Title of alpha', version: 3, description: 'First of all', steps: [{ id: 'one' }] },
    });
    expect(published[1]).not.toHaveProperty('description');
    expect(JSON.stringify(published)).not.toContain('StartAt');
  });

  it('summarises a runbook without its definition', () => {
    const [alpha] = publishedRunbooks([blueprint('alpha')]);
    expect(runbookSummary(alpha!)).toEqual({ id: 'alpha', title: 'Title of alpha', version: 3, hash: 'a'.repeat(64) });
  });
});
