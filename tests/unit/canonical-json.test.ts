import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonOfMembers } from '../../functions/domain/canonical-json.js';
import { GENESIS_HASH, hashEvent, storedEventHash } from '../../functions/domain/hash-chain.js';

/* The `canonicalize` package is the oracle: the hand-written canonicalizer must give its bytes, or its refusal, for every input. */

/** What a canonicalizer made of a value: its text, or the refusal (class and message). */
function outcome(run: () => string | undefined): { text: string | undefined } | { refused: string } {
  try {
    return { text: run() };
  } catch (error) {
    return { refused: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

// Any UTF-16 code unit, so lone surrogates, pairs, controls, quotes and backslashes all turn up.
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const awkward = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '\ud83d\ude00', 'é', '€', '/', '<');
const text = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: fc.oneof(awkward, fc.string({ unit: 'grapheme-ascii', maxLength: 1 })), maxLength: 8 }),
);
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2, 0.1 + 0.2, 1e20, 123e-20, NaN, Infinity, -Infinity),
);
const leaf = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 4, arbitrary: number },
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date(), // toJSON; an invalid date's toJSON gives null
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constant({ toJSON: () => ({ b: 1, a: [2, '\u0001'] }) }),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
  ),
}));
const body = fc.dictionary(text, value, { maxKeys: 8 });
const runs = { numRuns: 3000 };

describe('canonical JSON (RFC 8785) against the canonicalize package', () => {
  it('gives the same bytes or the same refusal for any value', () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(outcome(() => canonicalJson(input))).toEqual(outcome(() => canonicalize(input)));
      }),
      runs,
    );
  });

  it('writes an event with seq and prevHash set as the library writes { ...body, seq, prevHash }', () => {
    fc.assert(
      fc.property(body, fc.integer(), text, (members, seq, prevHash) => {
        expect(outcome(() => canonicalJsonOfMembers(members, { seq, prevHash }))).toEqual(outcome(() => canonicalize({ ...members, seq, prevHash })));
      }),
      runs,
    );
  });

  it('writes a stored event without its hash as the library writes the event with `hash` taken out', () => {
    fc.assert(
      fc.property(body, value, (members, hash) => {
        const stored = { ...members, hash };
        const { hash: _left, ...rest } = stored;
        expect(outcome(() => canonicalJsonOfMembers(stored, {}, 'hash'))).toEqual(outcome(() => canonicalize(rest)));
      }),
      runs,
    );
  });

  it('agrees on the named edge cases', () => {
    const cases: unknown[] = [
      -0, 1e21, 5e-324, 1e-7, 333333333.3333333, [-0, 1e21], { '\u0001': 1, '"': 2, '\\': 3, é: 4, '\ud83d\ude00': 5, '\ufb33': 6 },
      '\u2028\u2029', 'tab\there', { a: undefined, b: Symbol('s'), c: () => 1 }, [undefined, Symbol('s'), () => 1], new Array(3),
      new Date(Date.UTC(2026, 0, 1)), new Date(Number.NaN), { toJSON: () => undefined }, new Number(1), Object.create(null),
    ];
    for (const input of cases) expect(outcome(() => canonicalJson(input))).toEqual(outcome(() => canonicalize(input)));
  });

  it("agrees where a plain object would not keep canonical order (the fast pass's JSON.stringify of a copy)", () => {
    // V8 puts array-index keys first in numeric order, and assigning `__proto__` sets the prototype: both must take the exact pass.
    const ownProto = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as Record<string, unknown>;
    const cases: unknown[] = [
      { '10': 1, '9': 2, a: 3, '01': 4, '4294967295': 5, '-1': 6, '1e3': 7 },
      [{ b: { '2': 'x', '10': 'y' } }],
      ownProto,
      { nested: ownProto },
      { a: [1, , 3] },
      { a: [() => 1] },
      { a: { b: 1n } },
      // Deeper than the fast pass goes (64): the exact pass writes it.
      Array.from({ length: 100 }).reduce<unknown>((inner, _, level) => ({ [`k${level}`]: inner, z: [level] }), 'leaf'),
    ];
    for (const input of cases) expect(outcome(() => canonicalJson(input))).toEqual(outcome(() => canonicalize(input)));
    const stored = { ...ownProto, '10': 'ten', '9': 'nine', seq: 2, prevHash: 'p', hash: 'h' };
    const { hash: _left, ...rest } = stored;
    expect(canonicalJsonOfMembers(stored, {}, 'hash')).toBe(canonicalize(rest));
    expect(canonicalJsonOfMembers(ownProto, { '3': 1, '20': 2 })).toBe(canonicalize({ ...ownProto, '3': 1, '20': 2 }));
  });

  it('orders keys it has met before (the shape cache) by their own list, with or without the member left out', () => {
    const event = { type: 't', hash: 'h', at: 'a', detail: { z: 1, a: 2 } };
    const { hash: _left, ...rest } = event;
    for (let round = 0; round < 2; round += 1) {
      expect(canonicalJsonOfMembers(event, {}, 'hash')).toBe(canonicalize(rest));
      expect(canonicalJson(event)).toBe(canonicalize(event));
      expect(canonicalJsonOfMembers(event, {}, 'type')).toBe(canonicalize({ ...rest, hash: 'h', type: undefined }));
      // The same keys in another order, and one key more.
      expect(canonicalJson({ at: 'a', hash: 'h', type: 't', detail: { a: 2, z: 1 } })).toBe(canonicalize(event));
      expect(canonicalJson({ ...event, b: 0 })).toBe(canonicalize({ ...event, b: 0 }));
    }
  });

  it('refuses what the library refuses, with its message', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = { back: circular };
    const circularArray: unknown[] = [1];
    circularArray.push(circularArray);
    const selfJson = { toJSON(): unknown { return selfJson; } };
    for (const input of [NaN, Infinity, -Infinity, '\ud800', 'a\udc00b', { '\udbff': 1 }, circular, circularArray, selfJson, [1n], { big: 2n }]) {
      const ours = outcome(() => canonicalJson(input));
      expect(ours).toHaveProperty('refused');
      expect(ours).toEqual(outcome(() => canonicalize(input)));
    }
    expect(outcome(() => canonicalJsonOfMembers(circular, { seq: 1, prevHash: GENESIS_HASH }))).toEqual({ refused: 'Error: Circular reference detected' });
  });

  it('lets a repeated (not circular) reference through, as the library does', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe(canonicalize({ a: shared, b: [shared, shared] }));
  });
});

describe('event hashes stored before the hand-written canonicalizer', () => {
  // Computed with the canonicalize package (commit before this one): a stored trail must still verify.
  const body = {
    type: 'step.completed',
    at: '2026-01-01T00:00:01.000Z',
    actor: 'arn:aws:iam::000000000000:user/rita',
    detail: { note: 'naïve “quote” \u2028 "esc" \\ tab\t 😀 €', n: [-0, 1e21, 5e-324, 0.1, null, true], nested: { b: 1, a: 2, é: 3, '\u0001': 4 } },
  };

  it('still hash to what was stored', () => {
    expect(hashEvent(body, 7, 'a'.repeat(64))).toBe('d89c30f3d9d4533e6cbb05f86d011056a39a5923b6a5b3768e1ce8fd4a1b9616');
    expect(storedEventHash({ ...body, seq: 7, prevHash: 'a'.repeat(64), hash: 'anything' })).toBe('d89c30f3d9d4533e6cbb05f86d011056a39a5923b6a5b3768e1ce8fd4a1b9616');
  });
});

describe('canonical JSON called again from inside a toJSON', () => {
  it('leaves the outer call exact', () => {
    const inner = { toJSON: () => canonicalJson({ b: 'x"y', a: 1 }) };
    const input = { z: 'q"uote', inner, a: '\u0001' };
    expect(canonicalJson(input)).toBe(canonicalize(input));
    const plainOuter = { inner: { toJSON: () => canonicalJson({ s: 'tab\t' }) }, k: 'plain' };
    expect(canonicalJson(plainOuter)).toBe(canonicalize(plainOuter));
  });
});
