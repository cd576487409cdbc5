/** What every irdr page shares (the evidence report, the local review page): plain, printable, no external resources. */
export const BASE_PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; max-width: 1100px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.verdict { padding: 0.75rem 1rem; font-weight: bold; } .intact { background: #e8f5e9; color: #1b5e20; } .broken { background: #ffebee; color: #b71c1c; }`;
