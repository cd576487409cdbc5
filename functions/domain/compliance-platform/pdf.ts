/**
 * A plain text PDF (Helvetica, A4, 60 lines a page): what both platforms accept as a file (Drata takes no HTML or zip).
 * Deterministic (no dates, no ids): the same lines always give the same bytes, so a re-render hashes the same.
 */
const LINES_PER_PAGE = 60;
const WRAP_AT = 110;

/** PDF text strings are Latin-1 here: anything else becomes `?`; `\`, `(` and `)` are escaped. */
const pdfText = (line: string): string =>
  line
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\\/g, '\\\\')
    .replace(/\(/g, '\\(')
    .replace(/\)/g, '\\)');

function wrapped(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length === 0) out.push('');
    for (let start = 0; start < line.length; start += WRAP_AT) out.push(line.slice(start, start + WRAP_AT));
  }
  return out;
}

export function renderTextPdf(lines: readonly string[]): Uint8Array {
  const all = wrapped(lines);
  const pages: string[][] = [];
  for (let start = 0; start < Math.max(all.length, 1); start += LINES_PER_PAGE) pages.push(all.slice(start, start + LINES_PER_PAGE));
  const objects: string[] = [];
  const pageIds = pages.map((_, index) => 4 + index * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((pageLines, index) => {
    const stream = ['BT', '/F1 9 Tf', '12 TL', '40 800 Td', ...pageLines.map((line) => `(${pdfText(line)}) '`), 'ET'].join('\n');
    objects[pageIds[index]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index]! + 1} 0 R >>`;
    objects[pageIds[index]! + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = body.length;
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
