import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { IDEMPOTENCY_KEY_PREFIX, idempotencyPk } from '../domain/keys.js';
import { deduplicationTableDesign } from '../domain/table-design.js';
import { dynamodbClient } from './dynamodb-client.js';

/** How long a key answers with its first response; a retry later than this starts anew. */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 60 * 60;

/** What an idempotent operation receives: who asked with which key, and the request it must match. */
export interface IdempotentInput<Request> {
  /** Hashed into the record's key: the caller and their Idempotency-Key (one caller cannot replay another's). */
  readonly idempotencyKey: { readonly caller: string; readonly key: string };
  /** Hashed into the record's validation value: the same key with another request is refused. */
  readonly request: Request;
}

export interface IdempotentOperationOptions<Result> {
  /** Names the operation's partition, `IDEM#<operation>`. */
  readonly operation: string;
  /** The deduplication table (DEDUPLICATION_TABLE_NAME), whose TTL expires the records: never the evidence table. */
  readonly tableName: string;
  /** Changes a replayed result (e.g. to mark it as a replay); the stored one stays as it was. */
  readonly onReplay?: (result: Result) => Result;
}

/**
 * Makes `operation` run at most once per (caller, Idempotency-Key) with Powertools idempotency in the
 * deduplication table: a replay returns the stored result, the same key with a different request throws
 * IdempotencyValidationError, a duplicate racing the first throws IdempotencyAlreadyInProgressError,
 * and if the operation throws its record is deleted so the caller may retry.
 */
export function idempotentOperation<Request, Result>(
  options: IdempotentOperationOptions<Result>,
  operation: (input: IdempotentInput<Request>) => Promise<Result>,
): (input: IdempotentInput<Request>, context: Context) => Promise<Result> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: dynamodbClient,
    keyAttr: deduplicationTableDesign.partitionKey,
    sortKeyAttr: deduplicationTableDesign.sortKey,
    staticPkValue: idempotencyPk(options.operation),
    expiryAttr: deduplicationTableDesign.timeToLiveAttribute,
    inProgressExpiryAttr: 'inProgressUntilEpochMs',
    statusAttr: 'idempotencyStatus',
    dataAttr: 'response',
    validationKeyAttr: 'requestHash',
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    payloadValidationJmesPath: 'request',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_KEY_LIFETIME_SECONDS,
    hashFunction: 'sha256',
    ...(options.onReplay && { responseHook: (response) => options.onReplay!(response as Result) as typeof response }),
  });
  // The prefix is fixed: Powertools' default (the Lambda function name) differs per deployment and is unset locally.
  const once = makeIdempotent(operation, { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX });
  return (input, context) => {
    // An in-progress record expires with the invocation, so a retry after a crash is not locked out for a day.
    config.registerLambdaContext(context);
    return once(input) as Promise<Result>;
  };
}
