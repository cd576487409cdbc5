import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, canonicalItem, itemDigest } from '../../functions/domain/drill/item-digest.js';

describe('canonicalItem', () => {
  it('does not depend on attribute order, at any depth', () => {
    const one = { pk: 'a', sk: 'b', total: 3, address: { city: 'Oslo', zip: '0150', tags: ['x', { b: 1, a: 2 }] } };
    const other = { address: { tags: ['x', { a: 2, b: 1 }], zip: '0150', city: 'Oslo' }, total: 3, sk: 'b', pk: 'a' };
    expect(canonicalItem(other)).toBe(canonicalItem(one));
  });

  it('keeps list order but not set order', () => {
    expect(canonicalItem({ list: ['a', 'b'] })).not.toBe(canonicalItem({ list: ['b', 'a'] }));
    expect(canonicalItem({ set: new Set(['a', 'b']) })).toBe(canonicalItem({ set: new Set(['b', 'a']) }));
    expect(canonicalItem({ set: new Set([10, 9]) })).toBe(canonicalItem({ set: new Set([9, 10]) }));
  });

  it('never confuses a set with a list, a map with a tag, a number with a string, or binary with text', () => {
    expect(canonicalItem({ value: new Set(['a']) })).not.toBe(canonicalItem({ value: ['a'] }));
    expect(canonicalItem({ value: { SET: ['a'] } })).not.toBe(canonicalItem({ value: new Set(['a']) }));
    expect(canonicalItem({ value: { N: '5' } })).not.toBe(canonicalItem({ value: 5 }));
    expect(canonicalItem({ value: 5 })).not.toBe(canonicalItem({ value: '5' }));
    expect(canonicalItem({ value: new Uint8Array([104, 105]) })).not.toBe(canonicalItem({ value: 'aGk=' }));
    expect(canonicalItem({ value: true })).not.toBe(canonicalItem({ value: 'true' }));
    expect(canonicalItem({ value: null })).not.toBe(canonicalItem({ value: 'null' }));
  });

  it('reads every spelling of a number as one: number, NumberValue, exponent, trailing zeros', () => {
    expect(canonicalItem({ n: 1.5 })).toBe(canonicalItem({ n: new NumberValue('1.50') }));
    expect(canonicalItem({ n: 1e21 })).toBe(canonicalItem({ n: new NumberValue('1000000000000000000000') }));
    expect(canonicalItem({ n: -0 })).toBe(canonicalItem({ n: 0 }));
    expect(canonicalItem({ n: new NumberValue('12345678901234567890123456789012345678') })).not.toBe(
      canonicalItem({ n: new NumberValue('12345678901234567890123456789012345679') }),
    );
  });

  it('treats Buffer and Uint8Array alike, and binary sets without order', () => {
    expect(canonicalItem({ b: Buffer.from('hi') })).toBe(canonicalItem({ b: new Uint8Array([104, 105]) }));
    expect(canonicalItem({ bs: new Set([Buffer.from('a'), Buffer.from('b')]) })).toBe(canonicalItem({ bs: new Set([Buffer.from('b'), Buffer.from('a')]) }));
  });

  it('tells nested maps apart by their content', () => {
    expect(canonicalItem({ m: { a: { b: 1 } } })).not.toBe(canonicalItem({ m: { a: { b: 2 } } }));
    expect(canonicalItem({ m: { a: { b: 1 } } })).not.toBe(canonicalItem({ m: { a: { c: 1 } } }));
  });

  it('ignores undefined attributes and refuses values DynamoDB cannot hold', () => {
    expect(canonicalItem({ a: 1, gone: undefined })).toBe(canonicalItem({ a: 1 }));
    expect(() => canonicalItem({ when: new Date() })).toThrow(TypeError);
    expect(() => canonicalItem({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['1.50', '1.5'],
    ['001', '1'],
    ['1e3', '1000'],
    ['1.5E-3', '0.0015'],
    ['-0.0', '0'],
    ['-12.340e1', '-123.4'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1e+21', '1000000000000000000000'],
    ['123', '123'],
  ])('%s reads %s', (text, canonical) => {
    expect(canonicalDecimal(text)).toBe(canonical);
  });

  it('refuses what is no decimal', () => {
    for (const text of ['', '.', 'abc', 'Infinity', 'NaN', '1e', '1e999999']) expect(() => canonicalDecimal(text)).toThrow(TypeError);
  });
});

describe('itemDigest', () => {
  const items = [
    { pk: 'p', sk: '1', qty: 2, tags: new Set(['x', 'y']) },
    { pk: 'p', sk: '2', qty: 3, lines: [{ sku: 'a', n: 1 }] },
    { pk: 'p', sk: '3', bin: Buffer.from([0, 1, 2]) },
  ];

  it('is a hex SHA-256, independent of item order and attribute order', () => {
    const digest = itemDigest(items);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const reordered = [items[2]!, items[0]!, { lines: [{ n: 1, sku: 'a' }], qty: 3, sk: '2', pk: 'p' }];
    expect(itemDigest(reordered)).toBe(digest);
  });

  it('changes when one attribute changes, an item goes, or an item comes', () => {
    const digest = itemDigest(items);
    expect(itemDigest([{ ...items[0]!, qty: 20 }, items[1]!, items[2]!])).not.toBe(digest);
    expect(itemDigest(items.slice(1))).not.toBe(digest);
    expect(itemDigest([...items, { pk: 'p', sk: '4' }])).not.toBe(digest);
  });

  it('hashes an empty list to the SHA-256 of nothing, and differs from one empty item', () => {
    expect(itemDigest([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(itemDigest([{}])).not.toBe(itemDigest([]));
  });
});
