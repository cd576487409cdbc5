/**
 * EventBridge event-pattern matching, for the local bus: the subset irdr's rules use, with EventBridge's
 * semantics — every field of the pattern must match; a list matches if any of its values or matchers
 * matches any of the event's values at that path (arrays in the event are flattened, so in an array of
 * objects each field matches on its own); `$or` matches if any of its patterns does. Matchers: exact values,
 * `numeric`, `prefix`, `suffix`, `anything-but` (values) and `exists`. Anything else is refused rather
 * than silently not matched.
 */

type Pattern = Readonly<Record<string, unknown>>;

export function matchesEventPattern(pattern: Pattern, event: unknown): boolean {
  return matchesAt(pattern, event, []);
}

function matchesAt(pattern: Pattern, event: unknown, path: readonly string[]): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new Error(`$or at ${path.join('.') || 'the top'} needs two or more patterns`);
      if (!value.some((alternative) => matchesAt(alternative as Pattern, event, path))) return false;
    } else if (Array.isArray(value)) {
      if (!matchesLeaf(value, valuesAt(event, [...path, key]), [...path, key])) return false;
    } else if (value !== null && typeof value === 'object') {
      if (!matchesAt(value as Pattern, event, [...path, key])) return false;
    } else {
      throw new Error(`event pattern field ${[...path, key].join('.')} must be a list or an object`);
    }
  }
  return true;
}

/** Every value at a path, arrays along the way and at the end flattened; empty if the path is absent. */
function valuesAt(root: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current.flatMap(flatten)) {
      if (value !== null && typeof value === 'object' && segment in value) next.push((value as Record<string, unknown>)[segment]);
    }
    current = next;
  }
  return current.flatMap(flatten);
}

const flatten = (value: unknown): unknown[] => (Array.isArray(value) ? value.flatMap(flatten) : [value]);

function matchesLeaf(matchers: readonly unknown[], values: readonly unknown[], path: readonly string[]): boolean {
  return matchers.some((matcher) => {
    if (matcher !== null && typeof matcher === 'object') {
      const entries = Object.entries(matcher);
      if (entries.length !== 1) throw new Error(`matcher at ${path.join('.')} must have exactly one key`);
      const [kind, argument] = entries[0]!;
      if (kind === 'exists') return argument ? values.length > 0 : values.length === 0;
      return values.some((value) => matchesOperator(kind, argument, value, path));
    }
    return values.some((value) => value === matcher);
  });
}

function matchesOperator(kind: string, argument: unknown, value: unknown, path: readonly string[]): boolean {
  switch (kind) {
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(argument as readonly unknown[], value, path);
    case 'prefix':
      return typeof value === 'string' && value.startsWith(argument as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(argument as string);
    case 'anything-but':
      return Array.isArray(argument) ? !argument.includes(value) : value !== argument;
    default:
      throw new Error(`matcher ${kind} at ${path.join('.')} is not supported by the local event bus`);
  }
}

function matchesNumeric(conditions: readonly unknown[], value: number, path: readonly string[]): boolean {
  if (conditions.length === 0 || conditions.length % 2 !== 0) throw new Error(`numeric matcher at ${path.join('.')} needs operator/value pairs`);
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = conditions[index + 1] as number;
    const holds =
      operator === '>' ? value > bound
      : operator === '>=' ? value >= bound
      : operator === '<' ? value < bound
      : operator === '<=' ? value <= bound
      : operator === '=' ? value === bound
      : undefined;
    if (holds === undefined) throw new Error(`numeric operator ${String(operator)} at ${path.join('.')} is not one of > >= < <= =`);
    if (!holds) return false;
  }
  return true;
}
