/**
 * Reads an ASL reference path (`$`, `$.a.b`, `$['a'][0]`, `$$.Execution.Id`): the only kind of path the
 * `*Path` fields (SecondsPath, TimeoutSecondsPath, ...) accept. Returns undefined when nothing is there.
 */
export function readReferencePath(path: string, input: unknown, context: unknown): unknown {
  const fromContext = path.startsWith('$$');
  let current: unknown = fromContext ? context : input;
  for (const segment of referencePathSegments(fromContext ? path.slice(1) : path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function referencePathSegments(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw new Error(`'${path}' is not a reference path (it must start with '$')`);
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) throw new Error(`'${path}' is not a reference path`);
    const [, dotted, index, singleQuoted, doubleQuoted] = match;
    segments.push(index !== undefined ? Number(index) : (dotted ?? singleQuoted ?? doubleQuoted ?? ''));
  }
  return segments;
}
