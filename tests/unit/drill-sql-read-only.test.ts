import { describe, expect, it } from 'vitest';
import { readOnlyQuery } from '../../functions/domain/drill/sql-read-only.js';

const refused = (sql: string, dialect: 'postgres' | 'mysql' = 'postgres'): string => {
  const verdict = readOnlyQuery(sql, dialect);
  if (verdict.ok) throw new Error(`accepted: ${sql}`);
  return verdict.reason;
};

describe('readOnlyQuery', () => {
  it('accepts one SELECT or WITH ... SELECT, and hands back the statement without its trailing semicolon and comment', () => {
    expect(readOnlyQuery('SELECT count(*) FROM orders;')).toEqual({ ok: true, statement: 'SELECT count(*) FROM orders' });
    expect(readOnlyQuery("  with paid as (select * from orders where status = 'paid') select sum(amount) from paid ; -- total\n")).toEqual({
      ok: true,
      statement: "with paid as (select * from orders where status = 'paid') select sum(amount) from paid",
    });
    // Keywords inside strings, quoted identifiers and dollar quotes are data, not statements.
    expect(readOnlyQuery(`SELECT 'DELETE FROM x; DROP TABLE y' AS s, "update" FROM "insert"`).ok).toBe(true);
    expect(readOnlyQuery('SELECT $tag$; DROP TABLE orders; $tag$ AS note').ok).toBe(true);
    // A function spelled like a keyword is a function.
    expect(readOnlyQuery("SELECT replace(name, 'a', 'b') FROM customers").ok).toBe(true);
  });

  it('refuses a second statement, however it is spelled', () => {
    expect(refused('SELECT 1; DROP TABLE orders')).toMatch(/more than one statement/);
    expect(refused('SELECT 1;DELETE FROM orders;')).toMatch(/more than one statement/);
    expect(refused("SELECT 'a'';'; DROP TABLE orders")).toMatch(/more than one statement/);
  });

  it('refuses statements that are not SELECT or WITH', () => {
    for (const sql of ['DELETE FROM orders', 'UPDATE orders SET amount = 0', 'DROP TABLE orders', 'COPY orders TO PROGRAM $$rm -rf /$$', 'SET ROLE admin', 'CALL wipe()', 'VALUES (1)', '']) {
      expect(refused(sql)).toMatch(/start with SELECT or WITH|empty/);
    }
  });

  it('refuses writes hidden in a CTE, SELECT INTO, and row locks', () => {
    expect(refused('WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone')).toMatch(/DELETE is not allowed/);
    expect(refused('WITH x AS (UPDATE ledger SET amount = 0 RETURNING 1) SELECT * FROM x')).toMatch(/UPDATE is not allowed/);
    expect(refused('WITH x AS (INSERT INTO t VALUES (1) RETURNING 1) SELECT * FROM x')).toMatch(/INSERT is not allowed/);
    expect(refused('SELECT * INTO copy_of_orders FROM orders')).toMatch(/INTO is not allowed/);
    expect(refused("SELECT * FROM orders INTO OUTFILE '/tmp/x'", 'mysql')).toMatch(/INTO is not allowed/);
    expect(refused('SELECT * FROM orders FOR UPDATE')).toMatch(/FOR UPDATE locks rows/);
    expect(refused('SELECT * FROM orders FOR NO KEY UPDATE')).toMatch(/FOR NO locks rows/);
    expect(refused('SELECT * FROM orders for share')).toMatch(/FOR SHARE locks rows/);
    expect(refused('SELECT * FROM orders LOCK IN SHARE MODE', 'mysql')).toMatch(/LOCK is not allowed/);
  });

  it('refuses statements hidden by comments that the two engines end in different places', () => {
    // MySQL runs the body of /*! ... */; Postgres nests /* */ and MySQL does not; `#` is a comment only in MySQL.
    expect(refused('SELECT 1 /*!; DROP TABLE orders */', 'mysql')).toMatch(/MySQL executes/);
    expect(refused('SELECT 1 /* outer /* inner */ ; DROP TABLE orders; */')).toMatch(/nested/);
    expect(refused('SELECT 1 # \n; DROP TABLE orders')).toMatch(/`#`/);
    expect(refused('SELECT 1 /* never closed')).toMatch(/never closed/);
    // A comment cannot hide a statement from the check either: what follows the comment is read.
    expect(refused('SELECT 1 -- harmless\n; DROP TABLE orders')).toMatch(/more than one statement/);
    expect(refused('SELECT 1 /* harmless */; DROP TABLE orders')).toMatch(/more than one statement/);
  });

  it('refuses quoting that Postgres and MySQL read differently (a string ending in one and not the other)', () => {
    expect(refused("SELECT 'a\\'; DROP TABLE orders; -- '", 'mysql')).toMatch(/backslash/);
    expect(refused('SELECT "a\\"; DROP TABLE orders; -- "', 'mysql')).toMatch(/backslash/);
    // MySQL has no dollar quotes: there `$$` is a name and the statements between are real.
    expect(refused('SELECT $$; DROP TABLE orders; $$', 'mysql')).toMatch(/more than one statement/);
    expect(refused("SELECT 'unterminated")).toMatch(/never closed/);
  });

  it('refuses functions with effects a read-only transaction does not stop', () => {
    expect(refused('SELECT pg_sleep(3600)')).toMatch(/pg_sleep\(\) has effects/);
    expect(refused('SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_stat_activity')).toMatch(/pg_terminate_backend/);
    expect(refused("SELECT set_config('statement_timeout', '0', false)")).toMatch(/set_config/);
    expect(refused("SELECT nextval('orders_id_seq')")).toMatch(/nextval/);
    expect(refused('SELECT SLEEP(10)', 'mysql')).toMatch(/SLEEP/);
    expect(refused("SELECT * FROM dblink('host=evil', 'DELETE FROM t') AS x(a int)")).toMatch(/dblink/);
    // A quoted name calls the same function: "pg_sleep"(60) is pg_sleep(60).
    expect(refused('SELECT "pg_sleep"(60)')).toMatch(/pg_sleep/);
    expect(refused(`SELECT pg_catalog."set_config"('statement_timeout', '0', false)`)).toMatch(/set_config/);
    expect(refused('SELECT `sleep`(10)', 'mysql')).toMatch(/sleep/);
  });
});
