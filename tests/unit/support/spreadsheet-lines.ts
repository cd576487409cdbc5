/**
 * How a spreadsheet (or any reader that splits physical lines) sees a CSV file, for asserting that no text of a
 * cell can start a row of its own with a formula.
 */

/** The first characters that make Excel, LibreOffice, Google Sheets or Numbers read a cell as a formula. */
export const FORMULA_LEADS = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'] as const;

/** Every line break a reader may split on: CRLF, LF, CR, VT, FF, NEL and the Unicode line and paragraph separators. */
export const LINE_BREAKS = ['\n', '\r', '\r\n', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029'] as const;
const BREAK_CHARACTERS = new Set(['\n', '\r', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029']);
const LEADS = new Set<string>(FORMULA_LEADS.filter((lead) => !BREAK_CHARACTERS.has(lead)));

/**
 * The physical lines (split at every kind of line break) that begin outside a quoted field and whose first cell
 * starts with a formula lead: each is a row a spreadsheet would run. Quote state follows RFC 4180 (every `"`
 * toggles it; an escaped `""` toggles twice).
 */
export function formulaLinesOutsideQuotes(csv: string): string[] {
  const offending: string[] = [];
  let inQuotes = false;
  const check = (start: number) => {
    if (inQuotes) return;
    const first = csv[start] === '"' ? csv[start + 1] : csv[start];
    if (first !== undefined && LEADS.has(first)) offending.push(csv.slice(start, start + 60));
  };
  check(0);
  for (let index = 0; index < csv.length; index += 1) {
    const character = csv[index]!;
    if (character === '"') inQuotes = !inQuotes;
    else if (BREAK_CHARACTERS.has(character)) check(index + 1);
  }
  return offending;
}

/** Strict RFC 4180 parse (records end at CRLF outside quotes): the cells a careful reader gets back. */
export function parseRfc4180(csv: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let index = 0;
  let quoted = false;
  while (index < csv.length) {
    const character = csv[index]!;
    if (quoted) {
      if (character === '"' && csv[index + 1] === '"') (cell += '"'), (index += 2);
      else if (character === '"') (quoted = false), (index += 1);
      else (cell += character), (index += 1);
    } else if (character === '"' && cell === '') (quoted = true), (index += 1);
    else if (character === ',') record.push(cell), (cell = ''), (index += 1);
    else if (character === '\r' && csv[index + 1] === '\n') {
      record.push(cell), records.push(record), (record = []), (cell = ''), (index += 2);
    } else (cell += character), (index += 1);
  }
  if (cell !== '' || record.length > 0) record.push(cell), records.push(record);
  return records;
}
