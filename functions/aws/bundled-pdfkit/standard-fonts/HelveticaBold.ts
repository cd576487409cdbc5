// `pdfkit/standard-fonts/HelveticaBold` in Lambda bundles (see ../index.ts).
// @ts-expect-error no declarations (functions/domain/pdf/pdfkit-modules.d.ts declares it)
export { default } from '../../../../node_modules/pdfkit/js/standard-fonts/HelveticaBold.mjs';
