import { describe, expect, it } from 'vitest';
import { HASH_RULE } from '../../functions/domain/evidence/exported-trail.js';
import { listedArray, listedItem, listingJson } from '../../functions/domain/evidence/listing-json.js';

// Each item rendered on its own, as an export renders it when read; holes read as undefined, as JSON.stringify writes them.
const rendered = (items: readonly unknown[]): Buffer[] => Array.from(items, listedItem);

// What export-files wrote before: the whole file as one JSON.stringify.
const whole = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
const header = { period: { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }, tableName: 'irdr', generatedAt: '2026-01-01T00:00:00.000Z', hashRule: HASH_RULE };

describe('listingJson: an export JSON file built item by item', () => {
  it('is byte for byte the one JSON.stringify of the file, for awkward items', () => {
    const items = [
      // A stored event as DynamoDB hands it back: nested detail, a number, an empty list and object, unicode and escapes.
      { incident: { incidentId: 'e3b0c442', title: 'Ünïcode ✓ "quoted"\nline two\u2028sep', tags: [], extra: {} }, trail: { partitionKey: 'INC#e3b0c442', intact: true, length: 2, headHash: 'a'.repeat(64), problems: [], events: [{ sortKey: 'EVT#0000000001', event: { seq: 1, prevHash: '0'.repeat(64), at: '2025-01-01T00:01:00.000Z', detail: { note: 'a\tb\\c', count: 1.5e-7, nested: [[], [{}], [1, [2, [3]]]] } } }] } },
      // A field left undefined is dropped; a Date is written by its toJSON.
      { incident: { incidentId: 'x', closedAt: undefined, when: new Date(Date.UTC(2025, 5, 1)) } },
      // Surrogate pairs and a lone surrogate (JSON.stringify escapes it).
      { title: '😀 \ud800 end', empty: '' },
      null,
      [],
      'a string item',
      0,
    ];
    for (const key of ['incidents', 'drillRuns']) {
      expect(Buffer.concat(listingJson(header, key, rendered(items))).equals(whole({ ...header, [key]: items }))).toBe(true);
    }
  });

  it('writes holes and undefined items as null and an empty list as [], as JSON.stringify does', () => {
    const sparse = [1, , undefined, () => 1, 2] as unknown[];
    expect(Buffer.concat(listingJson(header, 'incidents', rendered(sparse))).toString('utf8')).toBe(whole({ ...header, incidents: sparse }).toString('utf8'));
    expect(Buffer.concat(listingJson(header, 'incidents', [])).toString('utf8')).toBe(whole({ ...header, incidents: [] }).toString('utf8'));
  });

  it('keeps a header key of the same name in its place; header values that look like the split point stay data', () => {
    const tricky = { incidents: 'first', tableName: 'irdr-listing-incidents', hashRule: '"irdr-listing-incidents_"', generatedAt: ']\n}' };
    expect(Buffer.concat(listingJson(tricky, 'incidents', rendered([{ a: 1 }]))).toString('utf8')).toBe(whole({ ...tricky, incidents: [{ a: 1 }] }).toString('utf8'));
    // A table named like the split point, before the list: the list still goes after it.
    const named = { ...header, tableName: 'irdr-listing-drillRuns' };
    expect(Buffer.concat(listingJson(named, 'drillRuns', rendered([{ a: 1 }]))).toString('utf8')).toBe(whole({ ...named, drillRuns: [{ a: 1 }] }).toString('utf8'));
  });

  it('joins rendered items into a JSON array that reads back as the items (an asynchronous export\'s month part)', () => {
    const items = [{ incident: { incidentId: 'a', title: 'x\ny' }, trail: { events: [{ sortKey: 'EVT#1', event: { n: 1 } }] } }, { run: { runId: 'b' } }];
    expect(JSON.parse(listedArray(rendered(items)).toString('utf8'))).toEqual(items);
    expect(JSON.parse(listedArray([]).toString('utf8'))).toEqual([]);
  });
});
