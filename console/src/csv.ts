/**
 * Reads a CSV the evidence export writes (RFC 4180: CRLF records, fields quoted when they hold a comma, a quote or a
 * line break, quotes doubled) into records keyed by its header row. Only for the export's own files.
 */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') { field += '"'; index += 1; }
      else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(field); field = ''; }
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  const [header, ...records] = rows;
  return records.map((values) => Object.fromEntries((header ?? []).map((name, column) => [name, values[column] ?? ''])));
}
