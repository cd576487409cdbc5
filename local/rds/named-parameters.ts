/*
 * The Data API's `:name` placeholders to Postgres' `$1`, `$2`, ...: outside quoted strings, quoted identifiers,
 * dollar quotes and comments, and never a `::type` cast.
 */

export function namedToPositional(sql: string, names: readonly string[]): { readonly text: string; readonly order: readonly string[] } {
  const order: string[] = [];
  let text = '';
  let index = 0;
  const copyUntil = (end: number): void => {
    text += sql.slice(index, end);
    index = end;
  };
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1] ?? '';
    if (char === "'" || char === '"') {
      let end = index + 1;
      while (end < sql.length && !(sql[end] === char && sql[end + 1] !== char)) end += sql[end] === char ? 2 : 1;
      copyUntil(Math.min(sql.length, end + 1));
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      copyUntil(end < 0 ? sql.length : end);
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      copyUntil(end < 0 ? sql.length : end + 2);
    } else if (char === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(index))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index))![0];
      const end = sql.indexOf(tag, index + tag.length);
      copyUntil(end < 0 ? sql.length : end + tag.length);
    } else if (char === ':' && next === ':') {
      copyUntil(index + 2);
    } else if (char === ':' && /[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(index + 1))![0];
      if (!names.includes(name)) throw new RangeError(`the statement uses :${name}, which no parameter names`);
      if (!order.includes(name)) order.push(name);
      text += `$${order.indexOf(name) + 1}`;
      index += 1 + name.length;
    } else {
      copyUntil(index + 1);
    }
  }
  return { text, order };
}
