import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../functions/domain/template.js';

describe('renderTemplate', () => {
  it('fills dotted paths and leaves plain text alone', () => {
    expect(renderTemplate('[{{severity}}] {{title}} ({{failure.Error}})', { severity: 'SEV1', title: 'Leak', failure: { Error: 'Boom' } })).toBe(
      '[SEV1] Leak (Boom)',
    );
  });

  it('says when a value is missing instead of dropping it', () => {
    expect(renderTemplate('owner: {{owner.name}}', {})).toBe('owner: (not set)');
  });
});
