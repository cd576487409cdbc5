// `pdfkit/output` in Lambda bundles (see index.ts).
// @ts-expect-error no declarations (functions/domain/pdf/pdfkit-modules.d.ts declares pdfkit/output)
export * from '../../../node_modules/pdfkit/js/output.mjs';
