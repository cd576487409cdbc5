// The pdfkit entry points @types/pdfkit does not declare (pdfkit 0.20 ships no types of its own).
declare module 'pdfkit/output' {
  export function toBytes(document: PDFKit.PDFDocument): Promise<Uint8Array>;
}
declare module 'pdfkit/standard-fonts/Helvetica' {
  const font: { readonly name: 'Helvetica' };
  export default font;
}
declare module 'pdfkit/standard-fonts/HelveticaBold' {
  const font: { readonly name: 'Helvetica-Bold' };
  export default font;
}
