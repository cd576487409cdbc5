/**
 * RFC 8785 (JCS) canonical JSON, byte for byte what the `canonicalize` package (v4) gives, with the same refusals
 * (NaN, Infinity, lone surrogates, circular references) and the same quirks for non-JSON values, but without its
 * per-character surrogate scan and per-value JSON.stringify: verification hashes every stored event, so this is
 * the hot path (figures in docs/verify-performance.md and docs/verify-performance-6.md). tests/unit/canonical-json.test.ts
 * holds it to the library.
 */

// Above this many keys a native sort beats the insertion sort that wins on an event's handful.
const INSERTION_SORT_MAX = 16;
// A string JSON.stringify would change between its quotes: a quote, backslash or control character.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * Two passes. The fast pass copies the value into plain objects whose keys were added in canonical order and hands the
 * copy to V8's JSON.stringify (about twice as fast as writing the text here, docs/verify-performance-6.md). It gives
 * up on anything JSON.stringify would write otherwise than the library (a number that is not finite, a toJSON, a
 * function, a hole, a cycle or a nesting deeper than 64, a key V8 would not keep in insertion order); and a text with any backslash in it (an
 * escaped quote, control character or lone surrogate) is not taken either. Then the exact pass writes it here, so the
 * output and the refusal are always the exact pass's.
 */
class NotPlain extends Error {}
// Thrown often on odd inputs and never shown: one instance, no stack captured per throw.
const NOT_PLAIN = new NotPlain('not plain JSON');
// Deeper than any record nests: what goes deeper (or round a cycle) is written by the exact pass.
const PLAIN_DEPTH_MAX = 64;

/** The canonical JSON of a value, or undefined where the library gives undefined (undefined, a function, a symbol). */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    let text: string | undefined;
    try {
      text = JSON.stringify(plainCopy(value, 0));
    } catch {
      // A refusal, a cycle or a deep nesting: the exact pass gives the library's answer.
    }
    if (text !== undefined && plainText(text)) return text;
  }
  return write(value, []);
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
  let text: string | undefined;
  try {
    text = JSON.stringify(plainMembers(object, replaced, omitted));
  } catch {
    // A refusal, a cycle or a deep nesting: the exact pass gives the library's answer.
  }
  return text !== undefined && plainText(text) ? text : members(object, replaced, omitted);
}

/** Outside its strings canonical JSON has no backslash, and JSON.stringify writes one into a string only to escape. */
const plainText = (text: string): boolean => !text.includes('\\');

function plainMembers(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined): Record<string, unknown> {
  const replacing = Object.keys(replaced).length > 0;
  // Verification's case (nothing replaced, the hash left out) looks its order up by the object's own keys: no copy of them.
  const order = replacing ? plainOrder(unsortedKeptKeys(object, replaced, omitted), undefined) : plainOrder(Object.keys(object), omitted);
  const copy: Record<string, unknown> = {};
  for (const key of order) {
    const member = replacing && Object.hasOwn(replaced, key) ? replaced[key] : object[key];
    if (member === undefined || typeof member === 'symbol') continue;
    copy[key] = plainCopy(member, 1);
  }
  return copy;
}

// The canonical orders of the last few key lists met: a trail's events share a few shapes (the event, its detail), so
// most objects skip the sort and the key checks. Found only for the very same keys in the same order.
const SHAPES_KEPT = 8;
const SHAPE_KEYS_MAX = 32;
const shapeKeys: string[][] = [];
const shapeOmitted: (string | undefined)[] = [];
const shapeOrders: string[][] = [];
let nextShape = 0;

/** The keys but `omitted` in canonical order, each one a plain object keeps in insertion order (else NOT_PLAIN). */
function plainOrder(keys: string[], omitted: string | undefined): readonly string[] {
  search: for (let shape = 0; shape < shapeKeys.length; shape += 1) {
    const known = shapeKeys[shape]!;
    if (known.length !== keys.length || shapeOmitted[shape] !== omitted) continue;
    for (let index = 0; index < keys.length; index += 1) if (known[index] !== keys[index]) continue search;
    return shapeOrders[shape]!;
  }
  const order = omitted === undefined ? keys.slice() : keys.filter((key) => key !== omitted);
  for (const key of order) plainKey(key);
  sortKeys(order);
  if (keys.length <= SHAPE_KEYS_MAX) {
    shapeKeys[nextShape] = keys;
    shapeOmitted[nextShape] = omitted;
    shapeOrders[nextShape] = order;
    nextShape = (nextShape + 1) % SHAPES_KEPT;
  }
  return order;
}

/**
 * A key V8 keeps in insertion order: not an array index (those come first, in numeric order), not `__proto__`
 * (assigning it sets the prototype). A key starting with a digit is left to the exact pass, index or not.
 */
function plainKey(key: string): void {
  const first = key.charCodeAt(0);
  if ((first >= 48 && first <= 57) || key === '__proto__') throw NOT_PLAIN;
}

/** The value as plain data with every object's keys added in canonical order; NOT_PLAIN for what JSON.stringify would write otherwise. */
function plainCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return value;
    case 'object': {
      if (value === null) return null;
      // A cycle runs into the depth limit: the exact pass then names it (no list of the objects on the path to search).
      if (depth >= PLAIN_DEPTH_MAX || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
      return Array.isArray(value) ? plainArray(value, depth + 1) : plainObject(value as Record<string, unknown>, depth + 1);
    }
    default:
      // undefined, a function, a symbol or a bigint here is written differently by JSON.stringify, or refused.
      throw NOT_PLAIN;
  }
}

function plainObject(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of plainOrder(Object.keys(record), undefined)) {
    const member = record[key];
    if (member === undefined || typeof member === 'symbol') continue;
    copy[key] = plainCopy(member, depth);
  }
  return copy;
}

function plainArray(array: readonly unknown[], depth: number): unknown[] {
  const copy: unknown[] = [];
  for (let index = 0; index < array.length; index += 1) {
    // A hole is written as nothing by the library, as null by JSON.stringify.
    if (!(index in array)) throw NOT_PLAIN;
    const element = array[index];
    copy.push(element === undefined || typeof element === 'symbol' ? null : plainCopy(element, depth));
  }
  return copy;
}

/** The keys of `object` without `omitted` and those `replaced` sets, then the replaced ones. */
function unsortedKeptKeys(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined): string[] {
  const keys = Object.keys(object);
  const extra = Object.keys(replaced);
  if (extra.length === 0 && omitted === undefined) return keys;
  const kept: string[] = [];
  for (const key of keys) if (key !== omitted && !Object.hasOwn(replaced, key)) kept.push(key);
  for (const key of extra) kept.push(key);
  return kept;
}

/** The exact pass of canonicalJsonOfMembers. */
function members(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined): string {
  const kept = unsortedKeptKeys(object, replaced, omitted);
  sortKeys(kept);
  const seen: object[] = [];
  let out = '{';
  let first = true;
  for (const key of kept) {
    const member = Object.hasOwn(replaced, key) ? replaced[key] : object[key];
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
