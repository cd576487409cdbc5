import * as pdfkit from 'pdfkit';
import { toBytes } from 'pdfkit/output';
import Helvetica from 'pdfkit/standard-fonts/Helvetica';
import HelveticaBold from 'pdfkit/standard-fonts/HelveticaBold';

/*
 * Plain text PDFs drawn by pdfkit (a well-kept library) in its two standard fonts: the signed report pushed to the
 * compliance platforms and the one-page continuity statement. Deterministic: no compression (zlib and fflate, the two
 * builds' deflaters, differ), a fixed creation date and no file id, so the same lines always give the same bytes.
 */

// Lambda bundles take pdfkit's browser build (lib/functions.ts aliases it), which loads no font from disk: give it the two used.
(pdfkit as unknown as { registerStdFonts?: (...fonts: unknown[]) => void }).registerStdFonts?.(Helvetica, HelveticaBold);
const PDFDocument = pdfkit.default;

/** A heading (bold) or a paragraph; an empty paragraph is a blank line. */
export type PdfLine = { readonly heading: string } | string;

export interface TextPdfOptions {
  /** The document's title (its metadata, shown by readers). */
  readonly title: string;
  /** When the document was made: fixed by the caller (the record's time), never the clock, for equal bytes. */
  readonly createdAt: Date;
  /** Text size in points; the statement's one page takes a smaller one. */
  readonly fontSize?: number;
  /** Files carried inside the PDF (dated createdAt, like the document): the statement's signed JSON, so the PDF holds what it was drawn from. */
  readonly attachments?: readonly PdfAttachment[];
}

export interface PdfAttachment {
  readonly name: string;
  readonly mediaType: string;
  readonly description: string;
  readonly bytes: Uint8Array;
}

/** pdfkit's standard fonts draw WinAnsi (about Latin-1): anything else would come out as other letters, so it is `?`. */
const drawable = (text: string): string => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

export async function renderTextPdf(lines: readonly PdfLine[], options: TextPdfOptions): Promise<Uint8Array> {
  const fontSize = options.fontSize ?? 10;
  const document = new PDFDocument({
    size: 'A4',
    margin: 48,
    compress: false,
    info: { Title: drawable(options.title), Producer: 'irdr', Creator: 'irdr', CreationDate: options.createdAt },
  });
  const bytes = toBytes(document);
  for (const file of options.attachments ?? []) {
    document.file(file.bytes.slice().buffer as ArrayBuffer, { name: file.name, type: file.mediaType, description: file.description, creationDate: options.createdAt, modifiedDate: options.createdAt });
  }
  for (const line of lines) {
    if (typeof line === 'string') document.font('Helvetica').fontSize(fontSize).text(line.length > 0 ? drawable(line) : ' ');
    else document.font('Helvetica-Bold').fontSize(fontSize + 2).text(drawable(line.heading));
  }
  document.end();
  return bytes;
}

/** How many pages a PDF pdfkit drew has (its page tree's /Count): the statement promises one. */
export function pdfPageCount(bytes: Uint8Array): number {
  return Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(new TextDecoder('latin1').decode(bytes))?.[1] ?? 0);
}
