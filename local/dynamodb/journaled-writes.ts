import type { IncomingMessage, ServerResponse } from 'node:http';
import { relay, type BufferedResponse, type CallerScope } from './backend.js';
import { readItem, scanAll, type FrontContext } from './front-context.js';
import { keyIdentity } from './items.js';
import type { ItemChange } from './pitr-journal.js';
import { statementsOf, statementWriteTarget, tableNameIn, tablesNamedBy } from './request-tables.js';
import { isObject, type Item, type WireObject } from './wire.js';

/** Item writes the front journals for PITR-enabled tables. */
export const ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
export const PARTIQL = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/** One item a request writes in a PITR-enabled table. */
interface PlannedWrite {
  readonly table: string;
  readonly keyAttributes: Item;
  readonly key: string;
  /** The item after the write, as the request alone tells (a put's item, a delete's null); undefined: read it back. */
  readonly image: Item | null | undefined;
}

/**
 * Forwards an item write; for items of PITR-enabled tables it journals each item's resulting image. Each written key
 * is locked from before the backend applies the write until its image is journaled, so writes to one key are
 * journaled in the order the backend applied them and a read-back sees this write, not a later one.
 */
export async function forwardItemWrite(
  context: FrontContext, operation: string, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope,
): Promise<void> {
  const releaseTables = await context.tableLocks.shared(tablesNamedBy(operation, input));
  try {
    const planned = plannedWrites(context, operation, input);
    if (planned.length === 0) {
      relay(response, countApplied(context, await context.backend.exchange(request, body)));
      return;
    }
    const unlockKeys = await context.keyLocks.lock(planned.map((write) => `${write.table}\n${write.key}`));
    try {
      const reply = countApplied(context, await context.backend.exchange(request, body));
      await journal(context, appliedWrites(context, operation, planned, reply), scope);
      relay(response, reply);
    } finally {
      unlockKeys();
    }
  } finally {
    releaseTables();
  }
}

/**
 * Forwards PartiQL; a statement that writes a PITR-enabled table runs alone on that table, which is then read in full
 * and its differences journaled (the front does not parse PartiQL keys).
 */
export async function forwardPartiQl(
  context: FrontContext, operation: string, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope,
): Promise<void> {
  const targets = [...new Set(statementsOf(operation, input).map(statementWriteTarget))].filter((table): table is string => table !== undefined);
  const written = targets.filter((table) => context.journal.settings(table) !== undefined);
  if (targets.length === 0) {
    context.backend.forward(request, response, body);
    return;
  }
  if (written.length === 0) {
    relay(response, countApplied(context, await context.backend.exchange(request, body)));
    return;
  }
  const release = await context.tableLocks.exclusive(written);
  try {
    const reply = countApplied(context, await context.backend.exchange(request, body));
    if (reply.statusCode === 200 || reply.statusCode >= 500) {
      for (const table of written) {
        const changes = context.journal.changesTo(table, await scanAll(context, table, scope));
        await context.journal.record(table, changes, context.now());
      }
    }
    relay(response, reply);
  } finally {
    release();
  }
}

/** A write the backend answered 200 to was applied (a batch's unprocessed items aside): counted. */
function countApplied(context: FrontContext, reply: BufferedResponse): BufferedResponse {
  if (reply.statusCode === 200) context.itemWrites.add();
  return reply;
}

function plannedWrites(context: FrontContext, operation: string, input: WireObject): PlannedWrite[] {
  const planned: PlannedWrite[] = [];
  const plan = (tableName: unknown, keyAttributes: unknown, image: Item | null | undefined): void => {
    const table = tableNameIn(tableName);
    const settings = table === undefined ? undefined : context.journal.settings(table);
    if (!table || !settings || !isObject(keyAttributes)) return;
    const key = keyIdentity(keyAttributes, settings.keySchema);
    // A key the front cannot read is one the backend rejects: that write changes nothing.
    if (key !== undefined) planned.push({ table, keyAttributes: keyAttributes as Item, key, image });
  };
  switch (operation) {
    case 'PutItem':
      plan(input['TableName'], input['Item'], input['Item'] as Item);
      break;
    case 'UpdateItem':
      plan(input['TableName'], input['Key'], undefined);
      break;
    case 'DeleteItem':
      plan(input['TableName'], input['Key'], null);
      break;
    case 'BatchWriteItem':
      for (const [table, requests] of Object.entries(isObject(input['RequestItems']) ? input['RequestItems'] : {})) {
        for (const entry of Array.isArray(requests) ? requests : []) {
          const put = isObject(entry) && isObject(entry['PutRequest']) ? entry['PutRequest'] : undefined;
          const remove = isObject(entry) && isObject(entry['DeleteRequest']) ? entry['DeleteRequest'] : undefined;
          if (put) plan(table, put['Item'], put['Item'] as Item);
          else if (remove) plan(table, remove['Key'], null);
        }
      }
      break;
    case 'TransactWriteItems':
      // Read every item back: a replayed ClientRequestToken succeeds without writing again.
      for (const entry of Array.isArray(input['TransactItems']) ? input['TransactItems'] : []) {
        if (!isObject(entry)) continue;
        if (isObject(entry['Put'])) plan(entry['Put']['TableName'], entry['Put']['Item'], undefined);
        else if (isObject(entry['Update'])) plan(entry['Update']['TableName'], entry['Update']['Key'], undefined);
        else if (isObject(entry['Delete'])) plan(entry['Delete']['TableName'], entry['Delete']['Key'], undefined);
      }
      break;
  }
  return planned;
}

/** The writes the backend applied: all on success (less a batch's unprocessed ones), none on a client error, unknown (read back) on a server error. */
function appliedWrites(context: FrontContext, operation: string, planned: readonly PlannedWrite[], reply: BufferedResponse): PlannedWrite[] {
  if (reply.statusCode >= 500) return planned.map((write) => ({ ...write, image: undefined }));
  if (reply.statusCode !== 200) return [];
  if (operation !== 'BatchWriteItem') return [...planned];
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body.toString('utf8'));
  } catch {
    return planned.map((write) => ({ ...write, image: undefined }));
  }
  const unprocessed = new Set<string>();
  const unprocessedItems = isObject(parsed) && isObject(parsed['UnprocessedItems']) ? parsed['UnprocessedItems'] : {};
  for (const [tableName, requests] of Object.entries(unprocessedItems)) {
    const table = tableNameIn(tableName) ?? tableName;
    const keySchema = context.journal.settings(table)?.keySchema;
    if (!keySchema) continue;
    for (const entry of Array.isArray(requests) ? requests : []) {
      const request = isObject(entry) ? (entry['PutRequest'] ?? entry['DeleteRequest']) : undefined;
      const key = isObject(request) ? keyIdentity(request['Item'] ?? request['Key'], keySchema) : undefined;
      if (key !== undefined) unprocessed.add(`${table}\n${key}`);
    }
  }
  return planned.filter((write) => !unprocessed.has(`${write.table}\n${write.key}`));
}

async function journal(context: FrontContext, writes: readonly PlannedWrite[], scope: CallerScope): Promise<void> {
  const changesByTable = new Map<string, ItemChange[]>();
  for (const write of writes) {
    const settings = context.journal.settings(write.table);
    if (!settings) continue;
    let item = write.image;
    if (item === undefined) {
      try {
        item = await readItem(context, write.table, write.keyAttributes, settings.keySchema, scope);
      } catch (error) {
        context.log(`DynamoDB front: could not read back ${write.table} ${write.key} for the PITR journal: ${(error as Error).message}`);
        continue;
      }
    }
    const changes = changesByTable.get(write.table) ?? [];
    changes.push({ key: write.key, item });
    changesByTable.set(write.table, changes);
  }
  const at = context.now();
  for (const [table, changes] of changesByTable) await context.journal.record(table, changes, at);
}
