/**
 * Fills `{{dotted.path}}` from variables. Email bodies are plain text, so nothing is escaped;
 * a missing value renders as `(not set)` rather than vanishing silently.
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_whole, path: string) => {
    let value: unknown = variables;
    for (const segment of path.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
    if (value === undefined || value === null) return '(not set)';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}
