import { describe, expect, it } from 'vitest';
import { trailEventsPartitions, trailRuns, wholeIndexedTrails } from '../../functions/domain/evidence/indexed-trails.js';
import { eventSk, trailEventsPartition } from '../../functions/domain/keys.js';
import { trailEventItem } from '../../functions/domain/trail-event-item.js';

const event = (seq: number) => ({ type: 'step.completed', at: '2026-03-31T23:59:59.000Z', actor: 'me', seq, prevHash: '0'.repeat(64), hash: `${seq}`.padStart(64, '0') });
const item = (pk: string, seq: number) => trailEventItem(pk, event(seq), trailEventsPartition(pk, '2026-03-31T23:59:59.000Z'));

describe("a period's events partitions", () => {
  it('names one partition per month the period touches, `to` exclusive', () => {
    expect(trailEventsPartitions('INCIDENT', { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' })).toHaveLength(12);
    expect(trailEventsPartitions('DRILLRUN', { from: '2026-01-15T10:00:00.000Z', to: '2026-03-01T00:00:00.001Z' })).toEqual(['EVENTS#DRILLRUN#2026-01', 'EVENTS#DRILLRUN#2026-02', 'EVENTS#DRILLRUN#2026-03']);
    expect(trailEventsPartitions('INCIDENT', { from: '2026-02-03T00:00:00.000Z', to: '2026-02-04T00:00:00.000Z' })).toEqual(['EVENTS#INCIDENT#2026-02']);
  });

  it("indexes incidents' and drill runs' trails, not an export's", () => {
    expect(trailEventsPartition('INC#a', '2026-03-31T23:59:59.000Z')).toBe('EVENTS#INCIDENT#2026-03');
    expect(trailEventsPartition('DRILLRUN#r', '2026-04-01T00:00:00.000Z')).toBe('EVENTS#DRILLRUN#2026-04');
    expect(trailEventsPartition('EXPORT#ex-1', '2026-04-01T00:00:00.000Z')).toBeUndefined();
    expect(Object.keys(trailEventItem('EXPORT#ex-1', event(1), undefined)).sort()).toEqual(['PK', 'SK', 'actor', 'at', 'hash', 'prevHash', 'seq', 'type']);
  });
});

describe('trails found whole in the events partitions', () => {
  it('groups the wanted trails in order, pages in any order, the index keys left out of each event', () => {
    const items = [item('INC#b', 2), item('INC#a', 2), item('INC#b', 1), item('INC#a', 1), item('INC#a', 3)];
    const trails = wholeIndexedTrails(items, new Set(['INC#a', 'INC#b']));
    expect(trails.get('INC#a')!.map((stored) => stored.sortKey)).toEqual([1, 2, 3].map(eventSk));
    expect(trails.get('INC#b')!.map((stored) => stored.sortKey)).toEqual([1, 2].map(eventSk));
    expect(trails.get('INC#a')![0]!.event).toEqual(event(1));
  });

  it('leaves out, to be read by their own Query, trails with a gap or no first event; ignores items of other trails and other kinds', () => {
    const items = [
      item('INC#gap', 1), item('INC#gap', 3),
      item('INC#late', 2), item('INC#late', 3),
      item('INC#other', 1),
      { ...item('INC#whole', 1) }, { ...item('INC#whole', 1), SK: 'TASK#t' }, { ...item('INC#whole', 1), SK: 'META' },
    ];
    const trails = wholeIndexedTrails(items, new Set(['INC#gap', 'INC#late', 'INC#whole']));
    expect([...trails.keys()]).toEqual(['INC#whole']);
    expect(trails.get('INC#whole')).toHaveLength(1);
  });
});

describe("an events partition's pages, in runs that end with a trail", () => {
  const pages = async function* (...sizes: Array<Array<[string, number]>>) {
    for (const page of sizes) yield page.map(([pk, seq]) => item(pk, seq));
  };
  const runsOf = async (source: AsyncIterable<Record<string, unknown>[]>) => {
    const runs: string[][] = [];
    for await (const run of trailRuns(source)) runs.push(run.map((one) => `${String(one['PK'])} ${Number(one['seq'])}`));
    return runs;
  };

  it('hands the last trail of a page on with the next page, so no trail is cut in two', async () => {
    expect(await runsOf(pages([['INC#a', 1], ['INC#a', 2], ['INC#b', 1]], [['INC#b', 2], ['INC#c', 1]]))).toEqual([
      ['INC#a 1', 'INC#a 2'],
      ['INC#b 1', 'INC#b 2'],
      ['INC#c 1'],
    ]);
  });

  it('carries a trail longer than a page across every page it fills, and yields nothing for empty pages', async () => {
    expect(await runsOf(pages([['INC#a', 1]], [['INC#a', 2]], [], [['INC#a', 3], ['INC#b', 1]]))).toEqual([['INC#a 1', 'INC#a 2', 'INC#a 3'], ['INC#b 1']]);
    expect(await runsOf(pages([], []))).toEqual([]);
  });
});
