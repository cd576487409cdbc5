import type { KeySchemaElement } from './items.js';
import { isObject, validation, type WireObject } from './wire.js';

interface Throughput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

interface IndexSchema {
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly Projection: WireObject;
  readonly ProvisionedThroughput?: Throughput;
}

/** What a backup keeps of its table besides the items, and what a restore recreates: the table's settings. */
export interface TableSchema {
  readonly TableName: string;
  readonly TableArn: string;
  readonly TableId: string;
  /** Epoch seconds. */
  readonly CreationDateTime: number;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly AttributeDefinitions: readonly { readonly AttributeName: string; readonly AttributeType: string }[];
  readonly BillingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly ProvisionedThroughput: Throughput;
  readonly GlobalSecondaryIndexes: readonly IndexSchema[];
  readonly LocalSecondaryIndexes: readonly IndexSchema[];
  readonly StreamSpecification?: WireObject;
  readonly SSEDescription?: WireObject;
  readonly TimeToLiveDescription?: WireObject;
}

/** The settings of a table, from its DescribeTable `Table`. */
export function tableSchemaOf(table: WireObject, timeToLive?: WireObject): TableSchema {
  const billing = isObject(table['BillingModeSummary']) ? table['BillingModeSummary']['BillingMode'] : undefined;
  return {
    TableName: String(table['TableName']),
    TableArn: String(table['TableArn']),
    TableId: String(table['TableId'] ?? ''),
    CreationDateTime: Number(table['CreationDateTime'] ?? 0),
    KeySchema: (table['KeySchema'] ?? []) as KeySchemaElement[],
    AttributeDefinitions: (table['AttributeDefinitions'] ?? []) as TableSchema['AttributeDefinitions'],
    BillingMode: billing === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ProvisionedThroughput: throughputOf(table['ProvisionedThroughput']),
    GlobalSecondaryIndexes: indexesOf(table['GlobalSecondaryIndexes'], true),
    LocalSecondaryIndexes: indexesOf(table['LocalSecondaryIndexes'], false),
    ...(isObject(table['StreamSpecification']) ? { StreamSpecification: table['StreamSpecification'] } : {}),
    ...(isObject(table['SSEDescription']) ? { SSEDescription: table['SSEDescription'] } : {}),
    ...(timeToLive ? { TimeToLiveDescription: timeToLive } : {}),
  };
}

function throughputOf(value: unknown): Throughput {
  const throughput = isObject(value) ? value : {};
  return { ReadCapacityUnits: Number(throughput['ReadCapacityUnits'] ?? 0), WriteCapacityUnits: Number(throughput['WriteCapacityUnits'] ?? 0) };
}

function indexesOf(value: unknown, withThroughput: boolean): IndexSchema[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((index) => ({
    IndexName: String(index['IndexName']),
    KeySchema: (index['KeySchema'] ?? []) as KeySchemaElement[],
    Projection: isObject(index['Projection']) ? index['Projection'] : { ProjectionType: 'ALL' },
    ...(withThroughput ? { ProvisionedThroughput: throughputOf(index['ProvisionedThroughput']) } : {}),
  }));
}

/** The restore request members that change the new table's settings (SSE is kept aside: the backends have none). */
export interface RestoreOverrides {
  readonly BillingModeOverride?: unknown;
  readonly ProvisionedThroughputOverride?: unknown;
  readonly GlobalSecondaryIndexOverride?: unknown;
  readonly LocalSecondaryIndexOverride?: unknown;
}

/**
 * The CreateTable request of a restore: the source's key schema, indexes, billing and throughput, with the
 * request's overrides. Streams, TTL, tags and PITR are not carried over, as in AWS.
 */
export function restoreCreateTableInput(targetTableName: string, source: TableSchema, overrides: RestoreOverrides): WireObject {
  const billingMode = overrides.BillingModeOverride ?? source.BillingMode;
  if (billingMode !== 'PROVISIONED' && billingMode !== 'PAY_PER_REQUEST') {
    throw validation(`Value '${String(billingMode)}' at 'billingModeOverride' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]`);
  }
  const provisioned = billingMode === 'PROVISIONED';
  let tableThroughput: Throughput | undefined;
  if (provisioned) {
    tableThroughput = overrides.ProvisionedThroughputOverride !== undefined ? throughputOf(overrides.ProvisionedThroughputOverride) : source.ProvisionedThroughput;
    if (!(tableThroughput.ReadCapacityUnits >= 1 && tableThroughput.WriteCapacityUnits >= 1)) {
      throw validation('ProvisionedThroughputOverride with read and write capacity of at least 1 is required to restore an on-demand table as PROVISIONED');
    }
  }
  const globalIndexes = overrides.GlobalSecondaryIndexOverride !== undefined ? indexesOf(overrides.GlobalSecondaryIndexOverride, true) : source.GlobalSecondaryIndexes;
  const localIndexes = overrides.LocalSecondaryIndexOverride !== undefined ? indexesOf(overrides.LocalSecondaryIndexOverride, false) : source.LocalSecondaryIndexes;

  const usedAttributes = new Set([...source.KeySchema, ...globalIndexes.flatMap((index) => index.KeySchema), ...localIndexes.flatMap((index) => index.KeySchema)].map((key) => key.AttributeName));
  const definitions = [...usedAttributes].map((name) => {
    const definition = source.AttributeDefinitions.find((candidate) => candidate.AttributeName === name);
    if (!definition) throw validation(`The index key attribute ${name} is not defined in the source table's AttributeDefinitions`);
    return { AttributeName: definition.AttributeName, AttributeType: definition.AttributeType };
  });

  return {
    TableName: targetTableName,
    KeySchema: source.KeySchema,
    AttributeDefinitions: definitions,
    BillingMode: billingMode,
    ...(tableThroughput ? { ProvisionedThroughput: tableThroughput } : {}),
    ...(globalIndexes.length
      ? {
          GlobalSecondaryIndexes: globalIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
            ...(tableThroughput ? { ProvisionedThroughput: usableThroughput(index.ProvisionedThroughput) ?? tableThroughput } : {}),
          })),
        }
      : {}),
    ...(localIndexes.length
      ? { LocalSecondaryIndexes: localIndexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })) }
      : {}),
  };
}

function usableThroughput(throughput: Throughput | undefined): Throughput | undefined {
  return throughput && throughput.ReadCapacityUnits >= 1 && throughput.WriteCapacityUnits >= 1 ? throughput : undefined;
}

/** BackupDescription.SourceTableDetails. */
export function sourceTableDetails(source: TableSchema, itemCount: number, sizeBytes: number): WireObject {
  return {
    TableName: source.TableName,
    TableId: source.TableId,
    TableArn: source.TableArn,
    TableSizeBytes: sizeBytes,
    KeySchema: source.KeySchema,
    TableCreationDateTime: source.CreationDateTime,
    ProvisionedThroughput: source.ProvisionedThroughput,
    ItemCount: itemCount,
    BillingMode: source.BillingMode,
  };
}

/** BackupDescription.SourceTableFeatureDetails. */
export function sourceTableFeatureDetails(source: TableSchema): WireObject {
  const stream = source.StreamSpecification;
  return {
    ...(source.LocalSecondaryIndexes.length ? { LocalSecondaryIndexes: source.LocalSecondaryIndexes } : {}),
    ...(source.GlobalSecondaryIndexes.length ? { GlobalSecondaryIndexes: source.GlobalSecondaryIndexes } : {}),
    ...(stream ? { StreamDescription: { StreamEnabled: stream['StreamEnabled'] === true, ...(stream['StreamViewType'] ? { StreamViewType: stream['StreamViewType'] } : {}) } } : {}),
    ...(source.TimeToLiveDescription ? { TimeToLiveDescription: source.TimeToLiveDescription } : {}),
    ...(source.SSEDescription ? { SSEDescription: source.SSEDescription } : {}),
  };
}
