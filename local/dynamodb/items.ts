import { isObject, type AttributeValue, type Item } from './wire.js';

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

/**
 * One string per item identity: the table's key attributes in key-schema order, numbers normalized
 * (DynamoDB stores `1.50` and `1.5` as the same key) and binary re-encoded. Undefined if the key is incomplete
 * or malformed: such a request is rejected by the backend and writes nothing.
 */
export function keyIdentity(itemOrKey: unknown, keySchema: readonly KeySchemaElement[]): string | undefined {
  if (!isObject(itemOrKey)) return undefined;
  const parts: string[] = [];
  for (const element of keySchema) {
    const value = itemOrKey[element.AttributeName];
    const part = isObject(value) ? scalarIdentity(value) : undefined;
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return JSON.stringify(parts);
}

/** The key attributes of an item, as a wire key. */
export function keyOf(item: Item, keySchema: readonly KeySchemaElement[]): Item {
  return Object.fromEntries(keySchema.map((element) => [element.AttributeName, item[element.AttributeName] ?? {}]));
}

function scalarIdentity(value: AttributeValue): string | undefined {
  const s = value['S'];
  if (typeof s === 'string') return `S${s}`;
  const n = value['N'];
  if (typeof n === 'string') {
    const normalized = normalizeNumber(n);
    return normalized === undefined ? undefined : `N${normalized}`;
  }
  const b = value['B'];
  if (typeof b === 'string') return `B${Buffer.from(b, 'base64').toString('base64')}`;
  return undefined;
}

/** A canonical form of a DynamoDB number (`-0012.300e1` -> `-123e-1`), equal for numerically equal inputs. */
export function normalizeNumber(text: string): string | undefined {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(exponentText) - fraction.length;
  if (digits === '') return '0';
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${exponent}`;
}

/** The size DynamoDB bills for an item, closely enough for backup and table sizes: names plus values. */
export function itemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name, 'utf8') + valueSizeBytes(value);
  return size;
}

function valueSizeBytes(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(content), 'utf8');
    case 'N':
      return numberSizeBytes(String(content));
    case 'B':
      return Buffer.from(String(content), 'base64').length;
    case 'SS':
      return (content as string[]).reduce((sum, entry) => sum + Buffer.byteLength(entry, 'utf8'), 0);
    case 'NS':
      return (content as string[]).reduce((sum, entry) => sum + numberSizeBytes(entry), 0);
    case 'BS':
      return (content as string[]).reduce((sum, entry) => sum + Buffer.from(entry, 'base64').length, 0);
    case 'L':
      return 3 + (content as AttributeValue[]).reduce((sum, entry) => sum + 1 + valueSizeBytes(entry), 0);
    case 'M':
      return 3 + Object.entries(content as Item).reduce((sum, [name, entry]) => sum + 1 + Buffer.byteLength(name, 'utf8') + valueSizeBytes(entry), 0);
    default: // BOOL, NULL
      return 1;
  }
}

function numberSizeBytes(text: string): number {
  const digits = (normalizeNumber(text) ?? '0').replace(/^-/, '').replace(/e.*$/, '');
  return Math.ceil(digits.length / 2) + 1;
}
