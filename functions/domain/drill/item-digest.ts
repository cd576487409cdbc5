import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/*
 * A canonical text per DynamoDB item, and a SHA-256 over a list of items, as the DocumentClient returns them
 * (strings, numbers or NumberValue, booleans, null, lists, maps, Sets, Uint8Array). Every value that JSON cannot
 * tell apart is tagged with its DynamoDB type letter: a map is {"M":...}, a number {"N":"<decimal>"}, binary
 * {"B":"<base64>"}, a set {"SET":[...sorted]}; strings, booleans, null and lists stay plain. So a set never hashes
 * like a list, nor a map like a tag, nor the number 5 like the string "5". RFC 8785 then fixes the attribute order.
 */

type Tagged = string | boolean | null | Tagged[] | { readonly [key: string]: Tagged };

/** The item as canonical JSON text: equal texts mean equal items, whatever the attribute order. */
export function canonicalItem(item: Readonly<Record<string, unknown>>): string {
  const text = canonicalize(taggedAttributes(item));
  if (text === undefined) throw new TypeError('item cannot be canonicalized');
  return text;
}

/** Hex SHA-256 over the items' canonical texts, sorted, so neither item order nor attribute order matters. */
export function itemDigest(items: Iterable<Readonly<Record<string, unknown>>>): string {
  const texts = Array.from(items, canonicalItem).sort();
  const hash = createHash('sha256');
  // Canonical JSON never holds a raw newline (RFC 8785 escapes control characters), so it separates items unambiguously.
  for (const text of texts) hash.update(text, 'utf8').update('\n');
  return hash.digest('hex');
}

function taggedAttributes(map: Readonly<Record<string, unknown>>): Record<string, Tagged> {
  const attributes: Record<string, Tagged> = {};
  for (const [name, value] of Object.entries(map)) {
    // The DocumentClient drops undefined attributes when writing (removeUndefinedValues): they are not data.
    if (value !== undefined) attributes[name] = tagged(value);
  }
  return attributes;
}

function tagged(value: unknown): Tagged {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return { N: canonicalDecimal(String(value)) };
  if (value instanceof Uint8Array) return { B: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map((element) => tagged(element ?? null));
  if (value instanceof Set) {
    const elements = Array.from(value, tagged);
    // A set has no order: sort its members by their canonical text.
    return { SET: elements.map((element) => ({ element, key: canonicalize(element) ?? '' })).sort(byKey).map(({ element }) => element) };
  }
  if (isNumberValue(value)) return { N: canonicalDecimal(value.value) };
  if (isPlainObject(value)) return { M: taggedAttributes(value) };
  throw new TypeError(`not a DynamoDB value: ${Object.prototype.toString.call(value)}`);
}

const byKey = (left: { key: string }, right: { key: string }): number => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** lib-dynamodb's NumberValue (wrapNumbers), recognised by shape so the domain needs no AWS import. */
const isNumberValue = (value: unknown): value is { readonly value: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { value?: unknown }).value === 'string' &&
  typeof (value as { toAttributeValue?: unknown }).toAttributeValue === 'function';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A number's one decimal spelling, without exponent or redundant zeros: `1.50`, `1.5e0` and 1.5 all read `1.5`,
 * 1e21 reads `1000000000000000000000`, -0 reads `0`. DynamoDB numbers (38 digits, exponent -130..125) stay exact.
 */
export function canonicalDecimal(text: string): string {
  const match = DECIMAL.exec(text.trim());
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match ?? [];
  if (!match || whole + fraction === '') throw new TypeError(`not a decimal number: ${text}`);
  const all = whole + fraction;
  const digits = all.replace(/^0+/, '');
  if (digits === '') return '0';
  // Where the decimal point falls in `digits`, counting from its left end.
  const point = whole.length - (all.length - digits.length) + Number(exponent);
  // Far beyond DynamoDB's range (and JavaScript's): refuse rather than spell out a million zeros.
  if (Math.abs(point) > 400) throw new TypeError(`number out of range: ${text}`);
  const significant = digits.replace(/0+$/, '');
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${significant}`
      : point >= significant.length
        ? significant + '0'.repeat(point - significant.length)
        : `${significant.slice(0, point)}.${significant.slice(point)}`;
  return sign === '-' ? `-${body}` : body;
}
