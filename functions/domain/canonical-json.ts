/**
 * RFC 8785 (JCS) canonical JSON, byte for byte what the `canonicalize` package (v4) gives, with the same refusals
 * (NaN, Infinity, lone surrogates, circular references) and the same quirks for non-JSON values, but without its
 * per-character surrogate scan and per-value JSON.stringify: verification hashes every stored event, so this is
 * the hot path (figures in docs/verify-performance.md). tests/unit/canonical-json.test.ts holds it to the library.
 */

// Above this many keys a native sort beats the insertion sort that wins on an event's handful.
const INSERTION_SORT_MAX = 16;
// A string JSON.stringify would change between its quotes: a quote, backslash or control character.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// Outside its strings, canonical JSON has no backslash and no control character.
const ESCAPE_OUTSIDE_QUOTE = /[\\\u0000-\u001f]/;

/**
 * Two passes share one writer. The fast pass writes every string between quotes as it is, noting only whether one
 * holds a quote; the whole text then gets one well-formedness test (ASCII between strings, so no surrogate pair forms
 * across two) and one escape test, far cheaper than a regex run per string. If a string needed escaping or refusing,
 * or anything threw, the exact pass runs, so the output and the refusal are always the exact pass's.
 */
let exact = false;
let quoteSeen = false;

/** The canonical JSON of a value, or undefined where the library gives undefined (undefined, a function, a symbol). */
export function canonicalJson(value: unknown): string | undefined {
  return twoPass(() => write(value, []));
}

/**
 * The canonical JSON of `object` with `omitted` left out and the `replaced` members set, as
 * canonicalJson({ ...rest, ...replaced }) would give (rest = object without `omitted`), without building that object.
 */
export function canonicalJsonOfMembers(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted?: string): string {
  // An own toJSON would be copied into the spread and called: rare enough to take the plain path.
  if (Object.hasOwn(object, 'toJSON') || Object.hasOwn(replaced, 'toJSON')) {
    const merged: Record<string, unknown> = { ...object, ...replaced };
    if (omitted !== undefined && !Object.hasOwn(replaced, omitted)) delete merged[omitted];
    return canonicalJson(merged)!;
  }
  return twoPass(() => members(object, replaced, omitted));
}

function twoPass<T extends string | undefined>(run: () => T): T {
  // Saved and restored, so a toJSON that canonicalizes something itself leaves the outer pass as it was.
  const outerExact = exact;
  const outerQuoteSeen = quoteSeen;
  try {
    if (!outerExact) {
      quoteSeen = false;
      try {
        const text = run();
        if (text === undefined || (!quoteSeen && text.isWellFormed() && !ESCAPE_OUTSIDE_QUOTE.test(text))) return text;
      } catch {
        // The exact pass finds the refusal the library gives first.
      }
    }
    exact = true;
    return run();
  } finally {
    exact = outerExact;
    quoteSeen = outerQuoteSeen;
  }
}

function members(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined): string {
  const keys = Object.keys(object);
  const extra = Object.keys(replaced);
  let kept = keys;
  if (extra.length > 0 || omitted !== undefined) {
    kept = [];
    for (const key of keys) if (key !== omitted && !Object.hasOwn(replaced, key)) kept.push(key);
    for (const key of extra) kept.push(key);
  }
  sortKeys(kept);
  const seen: object[] = [];
  let out = '{';
  let first = true;
  for (const key of kept) {
    const member = extra.length > 0 && Object.hasOwn(replaced, key) ? replaced[key] : object[key];
    if (member === undefined || typeof member === 'symbol') continue;
    out += (first ? '' : ',') + writeString(key) + ':' + write(member, seen);
    first = false;
  }
  return out + '}';
}

/** Sorts in place by UTF-16 code units, as Array.prototype.sort does strings (and RFC 8785 orders members). */
function sortKeys(keys: string[]): void {
  if (keys.length > INSERTION_SORT_MAX) {
    keys.sort();
    return;
  }
  for (let index = 1; index < keys.length; index += 1) {
    const key = keys[index]!;
    let before = index - 1;
    while (before >= 0 && keys[before]! > key) {
      keys[before + 1] = keys[before]!;
      before -= 1;
    }
    keys[before + 1] = key;
  }
}

/** `seen` holds the objects on the path from the root: a reference back to one of them is a cycle. */
function write(value: unknown, seen: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      if (Number.isNaN(value)) throw new Error('NaN is not allowed');
      if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
      // ECMAScript's Number-to-String is JCS's number serialization (and JSON.stringify's); -0 gives "0".
      return String(value);
    case 'object':
      if (value === null) return 'null';
      return writeObject(value, seen);
    default:
      // boolean as JSON; undefined, function and symbol as undefined; a bigint refused as JSON.stringify refuses it.
      return JSON.stringify(value);
  }
}

function writeString(value: string): string {
  if (!exact) {
    if (value.includes('"')) quoteSeen = true;
    return `"${value}"`;
  }
  if (!value.isWellFormed()) throw new Error('Lone surrogate is not allowed');
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function writeObject(value: object, seen: object[]): string | undefined {
  if (seen.includes(value)) throw new Error('Circular reference detected');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  seen.push(value);
  try {
    if (typeof toJSON === 'function') return write(toJSON.call(value), seen);
    if (Array.isArray(value)) return writeArray(value, seen);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    sortKeys(keys);
    let out = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined || typeof member === 'symbol') continue;
      // As the library: a function member is written as `undefined` (its template string of an undefined part).
      out += (first ? '' : ',') + writeString(key) + ':' + write(member, seen);
      first = false;
    }
    return out + '}';
  } finally {
    seen.pop();
  }
}

function writeArray(value: readonly unknown[], seen: object[]): string {
  let out = '[';
  for (let index = 0; index < value.length; index += 1) {
    if (index > 0) out += ',';
    const element = value[index];
    // As the library (Array.prototype.map then join): a hole and a function give nothing, undefined and symbol null.
    if (element === undefined) out += index in value ? 'null' : '';
    else if (typeof element === 'symbol') out += 'null';
    else out += write(element, seen) ?? '';
  }
  return out + ']';
}
