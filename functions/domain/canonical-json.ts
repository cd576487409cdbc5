/**
 * RFC 8785 (JCS) canonical JSON, byte for byte what the `canonicalize` package (v4) gives, with the same refusals
 * (NaN, Infinity, lone surrogates, circular references) and the same quirks for non-JSON values, but without its
 * per-character surrogate scan and per-value JSON.stringify: verification hashes every stored event, so this is
 * the hot path (figures in docs/verify-performance.md). tests/unit/canonical-json.test.ts holds it to the library.
 */

// A string JSON.stringify would leave as it is between its quotes: no quote, backslash or control character.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// Above this many keys a native sort beats the insertion sort that wins on an event's handful.
const INSERTION_SORT_MAX = 16;

/** The canonical JSON of a value, or undefined where the library gives undefined (undefined, a function, a symbol). */
export function canonicalJson(value: unknown): string | undefined {
  const raw = new RawWriter();
  try {
    const text = raw.write(value, []);
    if (raw.plain()) return text;
  } catch {
    // The exact writer below finds the refusal the library would give first.
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
  const raw = new RawWriter();
  try {
    const text = raw.members(object, replaced, omitted);
    if (raw.plain()) return text;
  } catch {
    // As in canonicalJson.
  }
  return members(object, replaced, omitted, write);
}

type Writer = (value: unknown, seen: object[]) => string | undefined;

function members(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined, writeValue: Writer, writeKey = writeString): string {
  const keys = Object.keys(object);
  const extra = Object.keys(replaced);
  let kept = keys;
  if (extra.length > 0 || omitted !== undefined) {
    kept = [];
    for (const key of keys) if (key !== omitted && !Object.hasOwn(replaced, key)) kept.push(key);
    for (const key of extra) kept.push(key);
  }
  sortKeys(kept);
  let out = '{';
  let first = true;
  for (const key of kept) {
    const member = Object.hasOwn(replaced, key) ? replaced[key] : object[key];
    if (member === undefined || typeof member === 'symbol') continue;
    out += (first ? '' : ',') + writeKey(key) + ':' + writeValue(member, []);
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

/**
 * The fast path: writes every string between quotes as it is and keeps all of them, space-separated (so no surrogate
 * pair forms across two), for one well-formedness test and one escape test at the end; one regex run over an event
 * costs far less than one per string. When a string needs escaping or refusing, or anything throws, the exact writer
 * runs instead, so the output and the refusal are always the exact writer's.
 */
class RawWriter {
  private strings = '';

  plain(): boolean {
    return this.strings.isWellFormed() && !NEEDS_ESCAPE.test(this.strings);
  }

  members(object: Record<string, unknown>, replaced: Readonly<Record<string, unknown>>, omitted: string | undefined): string {
    return members(object, replaced, omitted, this.write, this.string);
  }

  readonly string = (value: string): string => {
    this.strings += value + ' ';
    return `"${value}"`;
  };

  readonly write = (value: unknown, seen: object[]): string | undefined => {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'object':
        if (value === null) return 'null';
        return writeObject(value, seen, this.write, this.string);
      default:
        return write(value, seen);
    }
  };
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
      return writeObject(value, seen, write, writeString);
    default:
      // boolean as JSON; undefined, function and symbol as undefined; a bigint refused as JSON.stringify refuses it.
      return JSON.stringify(value);
  }
}

function writeString(value: string): string {
  if (!value.isWellFormed()) throw new Error('Lone surrogate is not allowed');
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function writeObject(value: object, seen: object[], writeValue: Writer, writeKey: (key: string) => string): string | undefined {
  if (seen.includes(value)) throw new Error('Circular reference detected');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  seen.push(value);
  try {
    if (typeof toJSON === 'function') return writeValue(toJSON.call(value), seen);
    if (Array.isArray(value)) return writeArray(value, seen, writeValue);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    sortKeys(keys);
    let out = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined || typeof member === 'symbol') continue;
      // As the library: a function member is written as `undefined` (its template string of an undefined part).
      out += (first ? '' : ',') + writeKey(key) + ':' + writeValue(member, seen);
      first = false;
    }
    return out + '}';
  } finally {
    seen.pop();
  }
}

function writeArray(value: readonly unknown[], seen: object[], writeValue: Writer): string {
  let out = '[';
  for (let index = 0; index < value.length; index += 1) {
    if (index > 0) out += ',';
    const element = value[index];
    // As the library (Array.prototype.map then join): a hole and a function give nothing, undefined and symbol null.
    if (element === undefined) out += index in value ? 'null' : '';
    else if (typeof element === 'symbol') out += 'null';
    else out += writeValue(element, seen) ?? '';
  }
  return out + ']';
}
