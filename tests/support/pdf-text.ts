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
