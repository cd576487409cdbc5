import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChain, type StoredTrailEvent } from '../../functions/domain/chain-verify.js';
import { decideTableCleanup } from '../../functions/domain/drill/cleanup-guard.js';
import { itemDigest } from '../../functions/domain/drill/item-digest.js';
import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../../functions/domain/drill-naming.js';
import { nextLink } from '../../functions/domain/hash-chain.js';
import { DrillSource } from '../../functions/domain/drill-plan-schema.js';

/* Properties over generated inputs (fast-check): what must hold for every input, not just the ones a test names. */

const tableName = fc.stringMatching(/^[A-Za-z0-9_.-]{3,40}$/);
const runId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);

describe('the cleanup guard', () => {
  it('never allows deleting the source table, whatever its name and tags', () => {
    fc.assert(
      fc.property(fc.oneof(tableName, tableName.map((name) => DRILL_TABLE_PREFIX + name)), runId, fc.dictionary(fc.string(), fc.string()), (name, run, tags) => {
        expect(decideTableCleanup({ tableName: name, sourceTableName: name, runId: run, tags: { ...tags, [DRILL_RUN_TAG]: run } }).allowed).toBe(false);
      }),
    );
  });

  it('allows exactly the prefixed, non-source tables tagged with this run', () => {
    fc.assert(
      fc.property(tableName, tableName, runId, fc.option(runId, { nil: undefined }), fc.boolean(), (name, source, run, taggedRun, prefixed) => {
        const candidate = prefixed ? DRILL_TABLE_PREFIX + name : name;
        const tags: Record<string, string> = taggedRun === undefined ? {} : { [DRILL_RUN_TAG]: taggedRun };
        const expected = candidate !== source && candidate.startsWith(DRILL_TABLE_PREFIX) && taggedRun === run;
        expect(decideTableCleanup({ tableName: candidate, sourceTableName: source, runId: run, tags }).allowed).toBe(expected);
      }),
    );
  });

  it('plans cannot name a source with the drill prefix', () => {
    fc.assert(
      fc.property(tableName, (name) => {
        expect(DrillSource.safeParse({ type: 'dynamodb-table', tableName: DRILL_TABLE_PREFIX + name }).success).toBe(false);
      }),
    );
  });
});

describe('the trail hash chain', () => {
  const bodies = fc.array(fc.record({ type: fc.stringMatching(/^[a-z.]{1,12}$/), detail: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })) }), { minLength: 2, maxLength: 12 });
  const chainOf = (events: ReadonlyArray<Record<string, unknown>>): StoredTrailEvent[] => {
    let previous: { seq: number; hash: string; prevHash: string } | undefined;
    return events.map((body, index) => {
      const link = nextLink(body, previous);
      previous = link;
      return { sortKey: `EVT#${index + 1}`, event: { ...body, ...link } };
    });
  };

  it('an untouched chain verifies', () => {
    fc.assert(
      fc.property(bodies, (events) => {
        expect(verifyChain(chainOf(events)).problems).toEqual([]);
      }),
    );
  });

  it('any edited, removed or swapped event is found', () => {
    fc.assert(
      fc.property(bodies, fc.nat(), fc.constantFrom('edit', 'remove', 'swap'), (events, at, change) => {
        const chain = chainOf(events);
        const index = at % (chain.length - 1);
        const tampered = [...chain];
        if (change === 'edit') tampered[index] = { ...chain[index]!, event: { ...chain[index]!.event, type: `${String(chain[index]!.event.type)}!` } };
        if (change === 'remove') tampered.splice(index, 1);
        if (change === 'swap') [tampered[index], tampered[index + 1]] = [chain[index + 1]!, chain[index]!];
        expect(verifyChain(tampered).problems.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('the item digest', () => {
  it('does not depend on item or attribute order, and changes with any value', () => {
    const items = fc.uniqueArray(fc.record({ pk: fc.string({ minLength: 1, maxLength: 8 }), amount: fc.integer(), note: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 10, selector: (item) => item.pk });
    fc.assert(
      fc.property(items, fc.nat(), (list, at) => {
        const reordered = [...list].reverse().map((item) => ({ note: item.note, amount: item.amount, pk: item.pk }));
        expect(itemDigest(reordered)).toBe(itemDigest(list));
        const changed = list.map((item, index) => (index === at % list.length ? { ...item, amount: item.amount + 1 } : item));
        expect(itemDigest(changed)).not.toBe(itemDigest(list));
      }),
    );
  });
});
