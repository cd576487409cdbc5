// What Lambda bundles import as `fontkit` (lib/functions.ts): irdr draws only pdfkit's standard fonts (AFM metrics,
// registered in functions/domain/pdf/text-pdf.ts), never an embedded one, so fontkit, brotli and their Unicode tables
// (~730 KB of the bundle) are left out. Asked for a font file anyway, it says so rather than drawing nothing.
export function create(): never {
  throw new Error('irdr draws only the standard PDF fonts (Helvetica): embedded font files are not bundled');
}
