import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monthPartitionsNewestFirst } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

const [byMonth] = tableDesign.globalIndexes;

export interface MonthIndexQuery {
  readonly kind: 'INCIDENT' | 'DRILLRUN';
  /** Inclusive ISO time. */
  readonly from: string;
  /** Exclusive ISO time: a record opened exactly then sorts as `<to>#<id>`, after `<to>`. */
  readonly to: string;
  /** A FilterExpression DynamoDB applies, with its names and values (`#month`, `#opened`, `:month`, `:from`, `:to` are taken). */
  readonly filter?: { readonly expression: string; readonly names: Record<string, string>; readonly values: Record<string, unknown> };
  readonly projection?: { readonly expression: string; readonly names?: Record<string, string> };
}

/**
 * Every record of one kind opened in [from, to), newest first, page by page: a Query per month partition of the month
 * index (GSI1), never a Scan.
 */
export async function* queryMonthIndex(query: MonthIndexQuery & { readonly tableName: string }): AsyncGenerator<Record<string, unknown>> {
  for (const month of monthPartitionsNewestFirst(query.kind, query.from, query.to)) {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamodb.send(
        new QueryCommand({
          TableName: query.tableName,
          IndexName: byMonth.indexName,
          KeyConditionExpression: '#month = :month AND #opened BETWEEN :from AND :to',
          ...(query.filter && { FilterExpression: query.filter.expression }),
          ...(query.projection && { ProjectionExpression: query.projection.expression }),
          ExpressionAttributeNames: { '#month': byMonth.partitionKey, '#opened': byMonth.sortKey, ...query.filter?.names, ...query.projection?.names },
          ExpressionAttributeValues: { ':month': month, ':from': query.from, ':to': query.to, ...query.filter?.values },
          ScanIndexForward: false,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      yield* page.Items ?? [];
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }
}
