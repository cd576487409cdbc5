/**
 * An export's JSON file, `{...header, [key]: items}` indented by 2 and ending in a newline, byte for byte what
 * `JSON.stringify(value, null, 2)` gives, built item by item: a year's incidents.json (~300 MB) as one string is near
 * V8's string limit (2^29 - 24 characters: two busy years threw "Invalid string length") and held the text twice.
 */

/** The header's JSON split where the list goes: at a placeholder string that no header value contains. */
function headerAround(header: Record<string, unknown>, key: string): [string, string] {
  const headerText = JSON.stringify(header);
  let placeholder = `irdr-listing-${key}`;
  while (headerText.includes(placeholder)) placeholder += '_';
  const text = JSON.stringify({ ...header, [key]: placeholder }, null, 2);
  const at = text.indexOf(`"${placeholder}"`);
  return [text.slice(0, at), text.slice(at + placeholder.length + 2)];
}

/** JSON.stringify of an item inside a list in an object writes it at the list's depth: the item's text is what is between. */
const ITEM_START = '{\n  "l": [\n'.length;
const ITEM_END = '\n  ]\n}'.length;

/** One item as a listing writes it (at the list's depth, no separator): rendered as soon as it is read, so its source can go. */
export function listedItem(item: unknown): Buffer {
  const text = JSON.stringify({ l: [item] }, null, 2);
  return Buffer.from(text.slice(ITEM_START, text.length - ITEM_END), 'utf8');
}

const COMMA_NEWLINE = Buffer.from(',\n', 'utf8');
const NEWLINE = Buffer.from('\n', 'utf8');

/**
 * `{...header, [key]: items}` as a 2-indented JSON file, from its items each rendered by `listedItem`: the file's
 * pieces in order, not joined (a year's listing would be held twice, items and file, until written).
 */
export function listingJson(header: Record<string, unknown>, key: string, items: readonly Buffer[]): Buffer[] {
  const [before, after] = headerAround(header, key);
  if (items.length === 0) return [Buffer.from(`${before}[]${after}\n`, 'utf8')];
  const chunks: Buffer[] = [Buffer.from(`${before}[\n`, 'utf8')];
  for (let index = 0; index < items.length; index += 1) chunks.push(items[index]!, index < items.length - 1 ? COMMA_NEWLINE : NEWLINE);
  chunks.push(Buffer.from(`  ]${after}\n`, 'utf8'));
  return chunks;
}

/** A JSON array of items each rendered by `listedItem` (indented as in a listing: still JSON). */
export function listedArray(items: readonly Buffer[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('[\n', 'utf8')];
  items.forEach((item, index) => chunks.push(item, index < items.length - 1 ? COMMA_NEWLINE : NEWLINE));
  chunks.push(Buffer.from(']', 'utf8'));
  return Buffer.concat(chunks);
}
