import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** What a real reader (Mozilla's PDF.js) finds in a PDF: its pages' text lines and its title; it throws on a broken file. */
export async function readPdf(bytes: Uint8Array): Promise<{ pages: string[][]; title: string | undefined }> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 });
  const document = await task.promise;
  try {
    const pages: string[][] = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      const content = await (await document.getPage(number)).getTextContent();
      pages.push(content.items.flatMap((item) => ('str' in item && item.str.length > 0 ? [item.str] : [])));
    }
    const info = (await document.getMetadata()).info as { Title?: string };
    return { pages, title: info.Title };
  } finally {
    await task.destroy();
  }
}

/** The files a PDF carries inside it (its EmbeddedFiles), by name, as PDF.js reads them. */
export async function readPdfAttachments(bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 });
  const document = await task.promise;
  try {
    // PDF.js 6 lists them in a Map by id and hands each one's content apart.
    const listed = ((await document.getAttachments()) ?? new Map()) as Map<string, { filename: string }>;
    const files: Record<string, Uint8Array> = {};
    for (const [id, file] of listed) files[file.filename] = (await document.getAttachmentContent(id)) as Uint8Array;
    return files;
  } finally {
    await task.destroy();
  }
}
