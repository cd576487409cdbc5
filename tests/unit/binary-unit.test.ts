import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryUnit } from '../support/binary-unit.js';

/*
 * The property tests' stand-in for fast-check's `unit: 'binary'` (tests/support/binary-unit.ts) draws what fast-check's
 * does: its 'binary' unit is `fc.mapToConstant` over these two ranges (every code point but the surrogates).
 */
const fastChecksBinaryRanges = fc.mapToConstant(
  { num: 0xd800, build: (index) => String.fromCodePoint(index) },
  { num: 0x10ffff - 0xe000 + 1, build: (index) => String.fromCodePoint(0xe000 + index) },
);

describe('binaryUnit', () => {
  it('draws, seed for seed, the code points fast-check\'s binary unit draws', () => {
    for (const seed of [1, 42, 20261207, -7]) {
      expect(fc.sample(binaryUnit, { seed, numRuns: 500 })).toEqual(fc.sample(fastChecksBinaryRanges, { seed, numRuns: 500 }));
    }
  });

  it('maps the ends of both ranges, and an astral code point, back to where it drew them', () => {
    for (const text of ['\u0000', '\ud7ff', '\ue000', '\u{10ffff}', '😀', 'a']) expect(binaryUnit.canShrinkWithoutContext(text)).toBe(true);
  });

  it('refuses what the binary unit never draws: lone surrogates, two code points, nothing, non-strings', () => {
    for (const value of ['\ud800', '\udbff', '\udc00', '\udfff', 'ab', '😀a', '', 0, undefined, ['a']]) {
      expect(binaryUnit.canShrinkWithoutContext(value)).toBe(false);
    }
  });

  it('lets fast-check splice its dangerous strings (__proto__, constructor...) into the strings drawn, as with \'binary\'', () => {
    // fast-check splices only strings its unit can map back to indices: without the inverse none appears (0 of 3,000).
    const dangerous = /__proto__|constructor|hasOwnProperty|isPrototypeOf|toString|valueOf|__defineGetter__|apply|bind|call|length|name|prototype|key|ref/;
    const drawn = fc.sample(fc.string({ unit: binaryUnit, maxLength: 20 }), { seed: 7, numRuns: 3000 });
    expect(drawn.filter((text) => dangerous.test(text)).length).toBeGreaterThan(10);
  });
});
