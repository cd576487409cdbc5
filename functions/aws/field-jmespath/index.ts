/**
 * Stands in for @aws-lambda-powertools/jmespath in the Lambda bundles only (lib/lambda-bundle-trims.ts): Powertools
 * idempotency searches its event key and payload-validation paths with it, and ours (functions/aws/idempotency.ts) are
 * field names, which need none of the JMESPath parser, interpreter and function library (~20 KB). A field path
 * (`a` or `a.b`) gives what JMESPath gives: the value, or null where a field is missing or its parent is no object;
 * any other expression throws at its first search rather than be misread.
 */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function search(expression: string, data: unknown, _options?: unknown): unknown {
  if (!FIELD_PATH.test(expression)) throw new Error(`the Lambda bundles search field paths only (functions/aws/field-jmespath), not the JMESPath expression ${JSON.stringify(expression)}`);
  let value: unknown = data;
  for (const field of expression.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, field)) return null;
    value = (value as Record<string, unknown>)[field];
  }
  return value === undefined ? null : value;
}
