import type { AddressInfo } from 'node:net';
import mysql from 'mysql2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqlCheck } from '../../functions/domain/drill/sql-check.js';
import { mysqlSessionSql, mysqlWireTransport } from '../../functions/aws/drill/sql/mysql-wire-transport.js';
import { runSqlCheck } from '../../functions/aws/drill/sql/run-sql-check.js';
import { RDS_CERTIFICATE_AUTHORITIES } from '../../functions/aws/drill/sql/rds-certificate-authorities.js';

/*
 * MySQL has no embedded engine here (docs/sql-checks.md), so the MySQL path is tested at the wire: the real mysql2
 * client, as the validator runs it, talks to mysql2's own server-side protocol, which records every statement the
 * client sends and answers as a script says. This is no MySQL: it shows what irdr sends (the session's read-only
 * settings, quoted names, nothing at all for a refused query) and how it reads MySQL's answers and errors.
 */

const CAPABILITIES_WITHOUT_TLS = 0xffffff & ~0x800;

interface Connection {
  serverHandshake(args: Record<string, unknown>): void;
  on(event: 'query' | 'stmt_prepare', listener: (sql: string) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  writeOk(): void;
  writeError(args: { message: string; code: number }): void;
  writeColumns(columns: Record<string, unknown>[]): void;
  writeTextRow(values: unknown[]): void;
  writeEof(): void;
}

type Answer = { rows: Record<string, string | null>[] } | { error: { message: string; code: number } } | 'ok' | 'hang';

const sent: string[] = [];
let connections = 0;
let answer: (sql: string) => Answer = () => 'ok';
let server: ReturnType<typeof mysql.createServer>;
let port: number;

function reply(connection: Connection, result: Answer): void {
  if (result === 'hang') return;
  if (result === 'ok') return connection.writeOk();
  if ('error' in result) return connection.writeError(result.error);
  const names = Object.keys(result.rows[0] ?? { none: null });
  connection.writeColumns(names.map((name) => ({ catalog: 'def', schema: '', table: '', orgTable: '', name, orgName: name, characterSet: 33, columnLength: 255, columnType: 253, flags: 0, decimals: 0 })));
  for (const row of result.rows) connection.writeTextRow(names.map((name) => row[name]));
  connection.writeEof();
}

beforeAll(async () => {
  server = mysql.createServer(((connection: Connection) => {
    connections += 1;
    connection.on('error', () => undefined);
    connection.serverHandshake({ protocolVersion: 10, serverVersion: '8.0.36-irdr-recorder', connectionId: connections, statusFlags: 2, characterSet: 33, capabilityFlags: CAPABILITIES_WITHOUT_TLS });
    const received = (sql: string) => {
      sent.push(sql);
      reply(connection, /^(SET|START|ROLLBACK)/.test(sql) ? 'ok' : answer(sql));
    };
    connection.on('query', received);
    // mysql2's server hands a text-protocol SET to its prepare listener.
    connection.on('stmt_prepare', received);
  }) as never);
  // The typings know listen(port) only; the server passes every argument on to net.Server.listen.
  await new Promise<void>((resolve) => (server as unknown as { listen(port: number, host: string, ready: () => void): void }).listen(0, '127.0.0.1', resolve));
  port = ((server as unknown as { _server: { address(): AddressInfo } })._server.address()).port;
}, 5000);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())), 5000);
beforeEach(() => {
  sent.length = 0;
  connections = 0;
  answer = () => 'ok';
});

const transport = () => mysqlWireTransport({ host: '127.0.0.1', port, user: 'drill_reader', password: 'reader-password', database: 'orders', ssl: false });
const check = (input: Record<string, unknown>) => SqlCheck.parse(input);
const run = (input: Record<string, unknown>, statementTimeoutMs = 5000) => runSqlCheck('check', check(input), { restored: transport(), statementTimeoutMs });

describe('SQL checks on MySQL, over the wire', () => {
  it('opens every check with GROUP_CONCAT raised, max_execution_time and a READ ONLY transaction, and rolls it back', async () => {
    answer = () => ({ rows: [{ row_count: '200' }] });
    const result = await run({ type: 'sql-row-count', table: 'orders', expected: 200 });
    expect(result).toMatchObject({ passed: true, details: expect.objectContaining({ actual: 200 }) });
    expect(mysqlSessionSql(5000)).toEqual(['SET SESSION group_concat_max_len = 1073741824', 'SET SESSION max_execution_time = 5000', 'START TRANSACTION READ ONLY']);
    expect(sent).toEqual([...mysqlSessionSql(5000), 'SELECT COUNT(*) AS row_count FROM `orders`', 'ROLLBACK']);
  });

  it('sends a hostile table name as one quoted identifier, and the checksum over the quoted columns the plan names', async () => {
    answer = () => ({ rows: [{ row_count: '0' }] });
    await run({ type: 'sql-row-count', table: 'orders`; DROP TABLE ledger; -- ', expected: 0 });
    expect(sent).toContain('SELECT COUNT(*) AS row_count FROM `orders``; DROP TABLE ledger; -- `');
    sent.length = 0;
    answer = () => ({ rows: [{ checksum: 'b'.repeat(64), row_count: '3' }] });
    const ledger = await run({ type: 'sql-checksum', query: "SELECT line, amount FROM ledger WHERE period = '2025'", orderBy: ['line'], columns: ['line', 'amount'], expected: 'a'.repeat(64) });
    expect(sent[3]).toBe(
      "SELECT SHA2(COALESCE(GROUP_CONCAT(CONCAT_WS(',', QUOTE(q.`line`), QUOTE(q.`amount`)) ORDER BY q.`line` SEPARATOR '\\n'), ''), 256) AS checksum, COUNT(*) AS row_count FROM (\nSELECT line, amount FROM ledger WHERE period = '2025'\n) AS q",
    );
    expect(ledger).toMatchObject({ passed: false, expected: expect.stringContaining('a'.repeat(64)), actual: expect.stringContaining('b'.repeat(64)) });
  });

  it.each([
    ['a stacked statement', 'SELECT 1; DELETE FROM orders'],
    ['a write hidden between MySQL dollar names (Postgres would read a string)', 'SELECT $$; DELETE FROM orders; $$'],
    ['an executable comment', 'SELECT 1 /*!50000 , (SELECT 1 FROM orders FOR UPDATE) */'],
    ['a backslash-escaped quote that ends the string only in Postgres', "SELECT 'it\\'s'; DELETE FROM orders; -- '"],
    ['a sleep', 'SELECT SLEEP(100)'],
    ['a file read', "SELECT LOAD_FILE('/etc/passwd')"],
    ['a file write', "SELECT * FROM orders INTO OUTFILE '/tmp/orders'"],
  ])('refuses %s before anything reaches the database', async (_what, query) => {
    const result = await runSqlCheck('custom', { type: 'sql-query', query } as SqlCheck, { restored: transport(), statementTimeoutMs: 5000 });
    expect(result).toMatchObject({ passed: false, details: { error: 'refused', transport: 'wire' } });
    expect(result.actual).toMatch(/^the check's query was not run: /);
    expect(connections).toBe(0);
    expect(sent).toEqual([]);
  });

  it("fails a check with MySQL's own message when the engine refuses a write in the read-only transaction, and still rolls back", async () => {
    answer = () => ({ error: { message: 'Cannot execute statement in a READ ONLY transaction.', code: 1792 } });
    const result = await run({ type: 'sql-query', query: 'SELECT wipe_orders()' });
    expect(result).toMatchObject({ passed: false, actual: 'the query failed: Cannot execute statement in a READ ONLY transaction.', details: { error: 'engine' } });
    expect(sent.at(-1)).toBe('ROLLBACK');
  });

  it('fails as a timeout when MySQL stops the statement at max_execution_time, and when it never answers', async () => {
    answer = () => ({ error: { message: 'Query execution was interrupted, maximum statement execution time exceeded', code: 3024 } });
    expect(await run({ type: 'sql-query', query: 'SELECT COUNT(*) > 0 FROM orders' })).toMatchObject({ passed: false, details: { error: 'timeout' } });
    answer = () => 'hang';
    const startedAt = performance.now();
    const hung = await run({ type: 'sql-query', query: 'SELECT COUNT(*) > 0 FROM orders' }, 50);
    expect(hung).toMatchObject({ passed: false, details: { error: 'timeout' } });
    expect(hung.actual).toContain('the client gave up after 2050 ms');
    expect(performance.now() - startedAt).toBeLessThan(4000);
  });

  it('refuses to go on without TLS to a server that offers none (a downgrade), before it sends the password', async () => {
    const verified = mysqlWireTransport({ host: '127.0.0.1', port, user: 'drill_reader', password: 'reader-password', database: 'orders', ca: RDS_CERTIFICATE_AUTHORITIES });
    await expect(verified.readOnly(5000, async () => 'read')).rejects.toThrow(/secure connection|SSL|TLS/i);
    expect(sent).toEqual([]);
  });
});
