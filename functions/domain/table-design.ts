/**
 * The evidence table's key schema, defined once: CDK (lib/) builds the table from it
 * and the local stack (local/) creates the same table from it. It has no TTL: nothing in it may expire
 * (a TTL attribute would let any writer have DynamoDB delete an event).
 */
export const tableDesign = {
  partitionKey: 'PK',
  sortKey: 'SK',
  globalIndexes: [
    // Listings and evidence over a period: GSI1PK = INCIDENT#2026-11, GSI1SK = <timestamp>#<id>
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // A drill's (or a runbook's) history: GSI2PK = DRILL#<drillId>, GSI2SK = <timestamp>#<runId>
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

/**
 * The deduplication table, beside the evidence table: Powertools idempotency records (`IDEM#`) and finding
 * claims (`FINDING#`), neither of them evidence. Its TTL attribute lets idempotency records expire.
 */
export const deduplicationTableDesign = {
  partitionKey: 'PK',
  sortKey: 'SK',
  // Epoch seconds after which DynamoDB deletes the item; only idempotency records carry it.
  timeToLiveAttribute: 'ttl',
} as const;

export type GlobalIndexName = (typeof tableDesign.globalIndexes)[number]['indexName'];

/** Every key attribute the table declares (all are strings). */
export function keyAttributeNames(): string[] {
  const names = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey]);
  for (const index of tableDesign.globalIndexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names];
}
