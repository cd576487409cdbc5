import { describe, expect, it } from 'vitest';
import { ListIncidentsParameters, encodePageToken, resolveListing } from '../../functions/domain/incident-listing.js';
import { monthPartitionsNewestFirst } from '../../functions/domain/keys.js';

const now = new Date('2026-11-24T12:00:00.000Z');
const parse = (query: Record<string, string>) => ListIncidentsParameters.parse(query);

describe('monthPartitionsNewestFirst', () => {
  it('walks the months of a period back from its last, across years', () => {
    expect(monthPartitionsNewestFirst('INCIDENT', '2025-11-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z')).toEqual([
      'INCIDENT#2026-02',
      'INCIDENT#2026-01',
      'INCIDENT#2025-12',
      'INCIDENT#2025-11',
    ]);
    expect(monthPartitionsNewestFirst('INCIDENT', '2026-11-01T00:00:00.000Z', '2026-11-30T00:00:00.000Z')).toEqual(['INCIDENT#2026-11']);
  });
});

describe('ListIncidentsParameters', () => {
  it('splits comma lists, normalises times and defaults the page size', () => {
    expect(parse({ status: 'open, resolved', severity: 'SEV1', from: '2026-11-01', to: '2026-11-02T01:00:00+01:00' })).toEqual({
      status: ['open', 'resolved'],
      severity: ['SEV1'],
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      limit: 25,
    });
  });

  it('refuses unknown parameters, values and limits out of 1..100', () => {
    for (const query of [{ colour: 'red' }, { status: 'pending' }, { limit: '0' }, { limit: '101' }, { limit: '2.5' }, { from: '24/11/2026' }]) {
      expect(ListIncidentsParameters.safeParse(query).success, JSON.stringify(query)).toBe(false);
    }
  });
});

describe('resolveListing', () => {
  it('defaults to the 30 days before now', () => {
    expect(resolveListing(parse({}), now)).toEqual({ ok: true, query: { from: '2026-10-25T12:00:00.000Z', to: '2026-11-24T12:00:00.000Z' } });
    expect(resolveListing(parse({ to: '2026-02-01' }), now)).toMatchObject({ query: { from: '2026-01-02T00:00:00.000Z' } });
  });

  it('refuses an empty, reversed or over-long period', () => {
    expect(resolveListing(parse({ from: '2026-11-02', to: '2026-11-01' }), now)).toEqual({
      ok: false,
      message: 'from (2026-11-02T00:00:00.000Z) must be before to (2026-11-01T00:00:00.000Z)',
    });
    expect(resolveListing(parse({ from: '2026-11-01', to: '2026-11-01' }), now).ok).toBe(false);
    expect(resolveListing(parse({ from: '2024-01-01', to: '2025-01-02' }), now)).toMatchObject({ ok: false, message: expect.stringMatching(/366 days/) });
    expect(resolveListing(parse({ from: '2024-01-01', to: '2025-01-01' }), now).ok).toBe(true);
  });

  it('continues from a token with the token\'s own query, whatever time it is now', () => {
    const query = { status: ['open' as const], from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };
    const position = { month: 'INCIDENT#2026-10', startKey: { PK: 'INC#x', SK: 'META' as const, GSI1PK: 'INCIDENT#2026-10', GSI1SK: '2026-10-05T10:00:00.000Z#x' } };
    const nextToken = encodePageToken(query, position);
    expect(resolveListing(parse({ nextToken }), new Date('2030-01-01'))).toEqual({ ok: true, query, position });
    expect(resolveListing(parse({ nextToken, status: 'open', to: '2026-11-01' }), now)).toEqual({ ok: true, query, position });
  });

  it('refuses a token beside different filters, or one it did not issue', () => {
    const nextToken = encodePageToken({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, { month: 'INCIDENT#2026-10' });
    expect(resolveListing(parse({ nextToken, severity: 'SEV1' }), now)).toEqual({
      ok: false,
      message: 'nextToken continues a listing with severity=null; send the same severity or leave it out',
    });
    // A start key DynamoDB would refuse (over its sort-key size, the wrong shape, another month's) is not one it issued.
    const startKey = { PK: 'INC#x', SK: 'META', GSI1PK: 'INCIDENT#2026-10', GSI1SK: '2026-10-05T10:00:00.000Z#x' };
    const tokenWith = (key: unknown) => Buffer.from(JSON.stringify({ query: { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, position: { month: 'INCIDENT#2026-10', startKey: key } })).toString('base64url');
    expect(resolveListing(parse({ nextToken: tokenWith(startKey) }), now).ok).toBe(true);
    const forgedKeys = [{ ...startKey, GSI1SK: `${startKey.GSI1SK}${'x'.repeat(1100)}` }, { PK: 'INC#x' }, { ...startKey, GSI1PK: 'INCIDENT#2026-09' }, { ...startKey, extra: 'y' }];
    for (const forged of ['garbage', Buffer.from('{"query":{}}').toString('base64url'), ...forgedKeys.map(tokenWith)]) {
      expect(resolveListing(parse({ nextToken: forged }), now)).toMatchObject({ ok: false, message: expect.stringMatching(/^nextToken is not one this API issued/) });
    }
    const widened = encodePageToken({ from: '2020-01-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, { month: 'INCIDENT#2026-10' });
    expect(resolveListing(parse({ nextToken: widened }), now)).toMatchObject({ ok: false, message: expect.stringMatching(/366 days/) });
  });
});
