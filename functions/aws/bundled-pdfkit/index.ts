// What Lambda bundles import as `pdfkit` (lib/functions.ts aliases it here): pdfkit's browser build, which reads no
// font from disk. Its Node build loads the standard fonts through a createRequire that esbuild cannot follow.
// @ts-expect-error the build has no declarations of its own (@types/pdfkit describes the package)
export * from '../../../node_modules/pdfkit/js/pdfkit.browser.mjs';
// @ts-expect-error as above
export { default } from '../../../node_modules/pdfkit/js/pdfkit.browser.mjs';
