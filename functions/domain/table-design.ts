/**
 * The single table's key schema, defined once: CDK (lib/) builds the table from it
 * and the local stack (local/) creates the same table from it.
 */
export const tableDesign = {
  partitionKey: 'PK',
  sortKey: 'SK',
  // Epoch seconds after which DynamoDB deletes the item; only expiring records (idempotency keys) carry it.
  timeToLiveAttribute: 'ttl',
  globalIndexes: [
    // Listings and evidence over a period: GSI1PK = INCIDENT#2026-11, GSI1SK = <timestamp>#<id>
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // A drill's (or a runbook's) history: GSI2PK = DRILL#<drillId>, GSI2SK = <timestamp>#<runId>
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
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
