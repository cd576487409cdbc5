/**
 * Fills `{{dotted.path}}` from variables. Nothing is escaped unless `escape` is given (HTML bodies);
 * a missing value renders as `(not set)` rather than vanishing silently.
 */
export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, unknown>>,
  options: { readonly escape?: (value: string) => string } = {},
): string {
  const escape = options.escape ?? ((value: string) => value);
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_whole, path: string) => {
    let value: unknown = variables;
    for (const segment of path.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
    if (value === undefined || value === null) return escape('(not set)');
    return escape(typeof value === 'object' ? JSON.stringify(value) : String(value));
  });
}
