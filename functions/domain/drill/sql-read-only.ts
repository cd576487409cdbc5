/*
 * Whether a plan check's SQL is one read-only query (SELECT, or WITH ... SELECT), decided from its tokens: quoted
 * strings and identifiers, comments and dollar quotes are read the way Postgres and MySQL read them, so a statement
 * cannot hide in one. Parsing cannot see every side effect (a function may write), so the runner also runs each
 * query inside a READ ONLY transaction with a statement timeout: this is the first guard, not the only one.
 */

import type { SqlDialect } from './sql-dialect.js';

export type SqlReadOnlyVerdict = { readonly ok: true; readonly statement: string } | { readonly ok: false; readonly reason: string };

/** A token and the offset just past it in the query text. */
export type SqlToken =
  | { readonly kind: 'word'; readonly text: string; readonly upper: string; readonly end: number }
  | { readonly kind: 'quoted'; readonly text: string; readonly end: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly end: number };

class SqlRefusal extends Error {}

/**
 * Keywords of what a statement starting with SELECT/WITH can still do besides reading: a data-modifying CTE, SELECT
 * INTO (a new table, or a file in MySQL), a row lock; plus statements' own keywords as a second line. Refused unless
 * used as a function name (`replace(...)`); a column spelled like one must be quoted.
 */
const WRITING_KEYWORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'REPLACE', 'INTO', 'OUTFILE', 'DUMPFILE', 'LOCK', 'DROP', 'CREATE',
  'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE', 'COPY', 'CALL', 'EXECUTE',
]);

/** Functions with effects a read-only transaction does not stop (sleeping, signalling, reading files, other servers). */
const EFFECTFUL_FUNCTIONS = new Set([
  'PG_SLEEP', 'PG_SLEEP_FOR', 'PG_SLEEP_UNTIL', 'SLEEP', 'BENCHMARK', 'PG_TERMINATE_BACKEND', 'PG_CANCEL_BACKEND', 'PG_RELOAD_CONF',
  'PG_ROTATE_LOGFILE', 'SET_CONFIG', 'PG_ADVISORY_LOCK', 'PG_ADVISORY_XACT_LOCK', 'PG_TRY_ADVISORY_LOCK', 'GET_LOCK', 'RELEASE_LOCK',
  'PG_READ_FILE', 'PG_READ_BINARY_FILE', 'PG_LS_DIR', 'PG_STAT_FILE', 'LO_IMPORT', 'LO_EXPORT', 'LOAD_FILE', 'DBLINK', 'DBLINK_EXEC',
  'PG_NOTIFY', 'NEXTVAL', 'SETVAL', 'TXID_CURRENT', 'PG_CURRENT_XACT_ID', 'QUERY_TO_XML', 'QUERY_TO_XML_AND_XMLSCHEMA', 'CURSOR_TO_XML',
]);

/** The query's tokens, or a refusal saying what to change. Comments are dropped; a statement cannot hide in one. */
export function tokenizeSql(sql: string, dialect: SqlDialect = 'postgres'): SqlToken[] {
  const tokens: SqlToken[] = [];
  let index = 0;
  const at = (offset = 0): string => sql[index + offset] ?? '';
  while (index < sql.length) {
    const char = at();
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '-' && at(1) === '-') {
      while (index < sql.length && at() !== '\n') index += 1;
    } else if (char === '#') {
      // MySQL reads `#` as a comment, Postgres as an operator: the two would see different statements.
      throw new SqlRefusal('`#` reads as a comment in MySQL and an operator in Postgres: remove it');
    } else if (char === '/' && at(1) === '*') {
      if (at(2) === '!' || at(2) === '+') throw new SqlRefusal('MySQL executes /*! ... */ comments and /*+ hints: remove them');
      const end = sql.indexOf('*/', index + 2);
      if (end < 0) throw new SqlRefusal('a /* comment is never closed');
      // Postgres nests block comments and MySQL does not: a nested one would end at different places.
      if (sql.slice(index + 2, end).includes('/*')) throw new SqlRefusal('nested /* comments end in different places in Postgres and MySQL: remove them');
      index = end + 2;
    } else if (char === "'" || (dialect === 'postgres' && (char === 'E' || char === 'e') && at(1) === "'")) {
      const start = index;
      const backslashEscapes = char !== "'";
      index += char === "'" ? 1 : 2;
      for (;;) {
        if (index >= sql.length) throw new SqlRefusal('a quoted string is never closed');
        if (backslashEscapes && at() === '\\') {
          index += 2;
        } else if (at() === "'" && at(1) === "'") {
          index += 2;
        } else if (at() === "'") {
          index += 1;
          break;
        } else {
          index += 1;
        }
      }
      const text = sql.slice(start, index);
      // MySQL (without NO_BACKSLASH_ESCAPES) reads \' as a quote that does not end the string; Postgres ends it.
      if (!backslashEscapes && text.includes('\\')) throw new SqlRefusal('a backslash in a string reads differently in Postgres and MySQL: use another way to write that value');
      tokens.push({ kind: 'quoted', text, end: index });
    } else if (char === '"' || char === '`') {
      const start = index;
      index += 1;
      for (;;) {
        if (index >= sql.length) throw new SqlRefusal(`a ${char}quoted identifier is never closed`);
        if (at() === char && at(1) === char) index += 2;
        else if (at() === char) {
          index += 1;
          break;
        } else index += 1;
      }
      const text = sql.slice(start, index);
      // MySQL reads a backslash in "..." as an escape (\" does not end it); Postgres does not.
      if (text.includes('\\')) throw new SqlRefusal('a backslash in a quoted identifier reads differently in Postgres and MySQL: remove it');
      tokens.push({ kind: 'quoted', text, end: index });
    } else if (dialect === 'postgres' && char === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(index))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index))![0];
      const end = sql.indexOf(tag, index + tag.length);
      if (end < 0) throw new SqlRefusal(`a ${tag} quoted string is never closed`);
      const start = index;
      index = end + tag.length;
      tokens.push({ kind: 'quoted', text: sql.slice(start, index), end: index });
    } else if (/[A-Za-z_\u0080-\uFFFF]/.test(char)) {
      const start = index;
      while (index < sql.length && /[A-Za-z0-9_$\u0080-\uFFFF]/.test(at())) index += 1;
      const text = sql.slice(start, index);
      tokens.push({ kind: 'word', text, upper: text.toUpperCase(), end: index });
    } else {
      index += 1;
      tokens.push({ kind: 'symbol', text: char, end: index });
    }
  }
  return tokens;
}

/** Whether the token at `index` is called like a function. */
const followedByParenthesis = (tokens: readonly SqlToken[], index: number): boolean => tokens[index + 1]?.text === '(';

/**
 * One read-only query, or why not. Accepted: SELECT ... or WITH ... SELECT ..., at most one trailing semicolon.
 * Refused: a second statement, writing or session keywords (also inside a CTE), SELECT ... INTO, row locks
 * (FOR UPDATE / FOR SHARE), and functions with effects outside the transaction.
 */
export function readOnlyQuery(sql: string, dialect: SqlDialect = 'postgres'): SqlReadOnlyVerdict {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql, dialect);
  } catch (error) {
    if (error instanceof SqlRefusal) return { ok: false, reason: error.message };
    throw error;
  }
  while (tokens.at(-1)?.text === ';') tokens.pop();
  if (tokens.length === 0) return { ok: false, reason: 'the query is empty: write one SELECT' };
  const semicolon = tokens.findIndex((token) => token.text === ';');
  if (semicolon >= 0) return { ok: false, reason: 'the query holds more than one statement (a `;` before its end): write one SELECT' };
  const first = tokens[0]!;
  if (first.kind !== 'word' || (first.upper !== 'SELECT' && first.upper !== 'WITH')) {
    return { ok: false, reason: `a check's query must start with SELECT or WITH, not ${JSON.stringify(first.text)}` };
  }
  for (const [index, token] of tokens.entries()) {
    // A quoted name calls the same function ("pg_sleep"(60)); as a name it is no keyword.
    const quotedName = token.kind === 'quoted' && (token.text.startsWith('"') || token.text.startsWith('`')) ? token.text.slice(1, -1).replaceAll(token.text[0]! + token.text[0]!, token.text[0]!) : undefined;
    if (quotedName !== undefined && EFFECTFUL_FUNCTIONS.has(quotedName.toUpperCase()) && followedByParenthesis(tokens, index)) {
      return { ok: false, reason: `${quotedName}() has effects outside a read-only query: remove it` };
    }
    if (token.kind !== 'word') continue;
    if (WRITING_KEYWORDS.has(token.upper) && !followedByParenthesis(tokens, index)) {
      return { ok: false, reason: `${token.upper} is not allowed in a read-only check (write one SELECT; quote an identifier spelled like a keyword)` };
    }
    if (EFFECTFUL_FUNCTIONS.has(token.upper) && followedByParenthesis(tokens, index)) {
      return { ok: false, reason: `${token.text}() has effects outside a read-only query: remove it` };
    }
    const next = tokens[index + 1];
    if (token.upper === 'FOR' && next?.kind === 'word' && ['UPDATE', 'SHARE', 'NO', 'KEY'].includes(next.upper)) {
      return { ok: false, reason: `FOR ${next.upper} locks rows: a check only reads, remove it` };
    }
  }
  // Up to the last token: trailing semicolons and comments go, so the query can be wrapped in a subquery.
  return { ok: true, statement: sql.slice(0, tokens.at(-1)!.end).trim() };
}
