import * as z from '../zod.js';
import { readOnlyQuery } from './sql-read-only.js';
import { DEFAULT_CANARY_TABLE, parseTableName } from './sql-generation.js';

/*
 * The SQL checks a plan can declare, for the drill-plan schema to include. Each query is refused at validation
 * unless readOnlyQuery() accepts it; the runner checks again before it sends anything (a plan may come from elsewhere).
 */

const TableName = z.string().check(z.refine((text) => {
    try {
      parseTableName(text);
      return true;
    } catch {
      return false;
    }
  }, { message: 'write table or schema.table, each part 1-63 characters, no dots inside' }));
const ColumnName = z.string().check(z.minLength(1), z.maxLength(63));
const ReadOnlyQuery = z.string().check(z.maxLength(20_000), z.superRefine((sql, context) => {
  const verdict = readOnlyQuery(sql);
  if (!verdict.ok) context.addIssue({ code: 'custom', message: verdict.reason });
}));
// Each check's optional id, named rather than spread in: esbuild keeps a spread (a possible getter) in every bundle.
const SqlCheckId = z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/)));

/** A table's rows vs `expected` (± tolerancePercent), or vs the same count on the source when expected is `source`. */
export const SqlRowCountCheck = z.strictObject({
  id: SqlCheckId,
  type: z.literal('sql-row-count'),
  table: TableName,
  expected: z.union([z.number().check(z.int(), z.gte(0)), z.literal('source')]),
  tolerancePercent: z._default(z.number().check(z.gte(0), z.lte(100)), 0),
});

/** SHA-256 of a query's rows in key order vs a hash recorded when the period closed, or vs the source's. */
export const SqlChecksumCheck = z.strictObject({
  id: SqlCheckId,
  type: z.literal('sql-checksum'),
  query: ReadOnlyQuery,
  orderBy: z.array(ColumnName).check(z.minLength(1)),
  /** MySQL only: the result columns hashed. */
  columns: z.optional(z.array(ColumnName).check(z.minLength(1))),
  expected: z.union([z.literal('source'), z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'))]),
});

/** Tables, columns (`table.column`) and indexes (`table:index`) that must exist in the restored database. */
export const SqlSchemaCheck = z.strictObject({
  id: SqlCheckId,
  type: z.literal('sql-schema'),
  tables: z._default(z.array(TableName), []),
  columns: z._default(z.array(z.strictObject({ table: TableName, column: ColumnName })), []),
  indexes: z._default(z.array(z.strictObject({ table: TableName, index: ColumnName })), []),
});

/**
 * RPO, measured: a scheduled writer upserts one canary row (canaryWriteSql) into the source every intervalMinutes;
 * the restored canary says how far the restored data trails the recovery point asked for.
 */
export const SqlCanaryCheck = z.strictObject({
  id: SqlCheckId,
  type: z.literal('sql-canary'),
  table: z._default(TableName, DEFAULT_CANARY_TABLE),
  intervalMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(60)), 5),
  /** The canary writer's credentials on the source (it writes; the checks' own user only reads). Required in a drill plan. */
  writerSecretArn: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, 'a Secrets Manager secret ARN'))),
});

/** A query whose first row's first column says pass (true, 1, 't', 'pass') or fail; anything else fails. */
export const SqlQueryCheck = z.strictObject({
  id: SqlCheckId,
  type: z.literal('sql-query'),
  query: ReadOnlyQuery,
  description: z.optional(z.string().check(z.maxLength(200))),
});

export const SqlCheck = z.discriminatedUnion('type', [SqlRowCountCheck, SqlChecksumCheck, SqlSchemaCheck, SqlCanaryCheck, SqlQueryCheck]);
export type SqlCheck = z.infer<typeof SqlCheck>;
