import { isObject, type WireObject } from './wire.js';

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)$/;

/** A table name as requests give it (a name, or since 2023 a table ARN), reduced to the name. */
export function tableNameIn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return TABLE_ARN.exec(value)?.[1] ?? value;
}

/** Operations that read or write items: on a table still CREATING they fail with ResourceNotFoundException, as in AWS. */
export const DATA_PLANE = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem',
  'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
]);

/** Operations that change a table's settings: on a table still CREATING they fail with ResourceInUseException. */
export const TABLE_CHANGES = new Set(['DeleteTable', 'UpdateTable', 'UpdateTimeToLive', 'TagResource', 'UntagResource']);

/** Every table a request names. */
export function tablesNamedBy(operation: string, input: WireObject): string[] {
  const names: unknown[] = [];
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      if (isObject(input['RequestItems'])) names.push(...Object.keys(input['RequestItems']));
      break;
    case 'TransactGetItems':
    case 'TransactWriteItems':
      for (const entry of arrayOf(input['TransactItems'])) {
        for (const action of Object.values(isObject(entry) ? entry : {})) if (isObject(action)) names.push(action['TableName']);
      }
      break;
    case 'ExecuteStatement':
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction':
      for (const statement of statementsOf(operation, input)) names.push(statementTable(statement));
      break;
    case 'TagResource':
    case 'UntagResource':
      names.push(input['ResourceArn']);
      break;
    default:
      names.push(input['TableName']);
  }
  return [...new Set(names.map(tableNameIn).filter((name): name is string => name !== undefined))];
}

/** The PartiQL statements of ExecuteStatement, BatchExecuteStatement or ExecuteTransaction. */
export function statementsOf(operation: string, input: WireObject): string[] {
  if (operation === 'ExecuteStatement') return typeof input['Statement'] === 'string' ? [input['Statement']] : [];
  const list = operation === 'BatchExecuteStatement' ? input['Statements'] : input['TransactStatements'];
  return arrayOf(list)
    .map((entry) => (isObject(entry) ? entry['Statement'] : undefined))
    .filter((statement): statement is string => typeof statement === 'string');
}

const WRITE_STATEMENT = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/i;
const READ_STATEMENT = /\bFROM\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/i;

/** The table a PartiQL statement writes, if it writes one. */
export function statementWriteTarget(statement: string): string | undefined {
  const identifier = WRITE_STATEMENT.exec(statement)?.[1];
  return identifier === undefined ? undefined : unquote(identifier);
}

function statementTable(statement: string): string | undefined {
  const identifier = WRITE_STATEMENT.exec(statement)?.[1] ?? READ_STATEMENT.exec(statement)?.[1];
  return identifier === undefined ? undefined : unquote(identifier);
}

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
