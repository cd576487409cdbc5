import fc from 'fast-check';

/** The UTF-16 surrogates, which fast-check's 'binary' unit leaves out: every other code point is in. */
const SURROGATES = { first: 0xd800, count: 0x800 };
const LAST_CODE_POINT = 0x10ffff;

/**
 * fast-check's `fc.string({ unit: 'binary' })` unit, value for value (the same index over the same two ranges, so a
 * seed draws the same strings), with its inverse computed rather than tabulated: fast-check's builds a Map of all
 * 1,112,064 code points the first time a process makes a 'binary' string, ~1-2 CPU-s in each worker that does. The
 * inverse is what lets fast-check splice its dangerous strings (`__proto__`, `constructor`...) into the strings drawn.
 */
export const binaryUnit: fc.Arbitrary<string> = fc.nat({ max: LAST_CODE_POINT - SURROGATES.count }).map(
  (index) => String.fromCodePoint(index < SURROGATES.first ? index : index + SURROGATES.count),
  (value) => {
    const codePoint = typeof value === 'string' ? value.codePointAt(0) : undefined;
    if (codePoint === undefined || String.fromCodePoint(codePoint) !== value) throw new Error('not a single code point');
    if (codePoint >= SURROGATES.first && codePoint < SURROGATES.first + SURROGATES.count) throw new Error('a surrogate');
    return codePoint < SURROGATES.first ? codePoint : codePoint - SURROGATES.count;
  },
);
