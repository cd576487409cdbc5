import { describe, expect, it } from 'vitest';
import { consumedUnitsOf } from '../../local/dynamodb-capacity-meter.js';

describe('consumedUnitsOf', () => {
  it('counts CapacityUnits as the operation kind when DynamoDB gives no read/write split', () => {
    expect(consumedUnitsOf('Query', { TableName: 't', CapacityUnits: 1.5 })).toEqual({ readUnits: 1.5, writeUnits: 0, indexWriteUnits: 0 });
    expect(consumedUnitsOf('PutItem', { TableName: 't', CapacityUnits: 3 })).toEqual({ readUnits: 0, writeUnits: 3, indexWriteUnits: 0 });
  });

  it('takes the split when given, sums a batch per table, and breaks out the index upkeep already in the total', () => {
    const transaction = [
      { TableName: 'a', CapacityUnits: 6, ReadCapacityUnits: 2, WriteCapacityUnits: 4, GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 2, WriteCapacityUnits: 2 } } },
      { TableName: 'b', CapacityUnits: 2, WriteCapacityUnits: 2 },
    ];
    expect(consumedUnitsOf('TransactWriteItems', transaction)).toEqual({ readUnits: 2, writeUnits: 6, indexWriteUnits: 2 });
    expect(consumedUnitsOf('PutItem', { CapacityUnits: 8, Table: { CapacityUnits: 4 }, GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 4 } } })).toEqual({
      readUnits: 0,
      writeUnits: 8,
      indexWriteUnits: 4,
    });
  });

  it('counts a query of an index as reads, not index upkeep', () => {
    expect(consumedUnitsOf('Query', { CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 0.5 } } })).toEqual({
      readUnits: 0.5,
      writeUnits: 0,
      indexWriteUnits: 0,
    });
  });
});
