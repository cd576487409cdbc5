import { describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { IdempotencyPersistenceLayerError } from '@aws-lambda-powertools/idempotency';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { ThrottledRequestError } from '../../functions/domain/aws-throttling.js';
import { TrailBusyError } from '../../functions/domain/trail-busy.js';
import { apiHandler, type ApiEvent } from '../../functions/http/http-shell.js';
import { HttpError } from '../../functions/http/http-errors.js';

/* What the API shell answers when a handler fails: contention on a trail is a 503 to retry, a fault a 500 that leaks nothing. */
const event = { routeKey: 'POST /incidents/{incidentId}/notes', headers: {}, requestContext: {} } as unknown as ApiEvent;
const context = { awsRequestId: 'req-1' } as Context;

describe('the API shell on a failed handler', () => {
  it('answers a busy trail with 503 and Retry-After, saying nothing was recorded', async () => {
    const result = await apiHandler(async () => {
      throw new TrailBusyError('another writer took the next place in the trail on each of 40 attempts: nothing was recorded; try again in a moment');
    })(event, context);
    expect(result).toMatchObject({ statusCode: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
    expect(JSON.parse(result.body as string).message).toMatch(/^the record is being written by many at once: .*nothing was recorded/);
  });

  it('answers AWS throttling (the SDK\'s retries spent) with 503 and Retry-After, never a 500, however it arrives', async () => {
    // As the SDK throws Step Functions' unmodelled ThrottlingException (StartExecution past the account's rate).
    const sfnThrottled = new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
    // As Powertools wraps DynamoDB throttling its idempotency record met.
    const recordThrottled = new IdempotencyPersistenceLayerError('Failed to save in progress record to idempotency store', {
      cause: new ProvisionedThroughputExceededException({ $metadata: { httpStatusCode: 400 }, message: 'The level of configured provisioned throughput for the table was exceeded' }),
    });
    for (const [thrown, name] of [[sfnThrottled, 'ThrottlingException'], [recordThrottled, 'ProvisionedThroughputExceededException']] as const) {
      const result = await apiHandler(async () => { throw thrown; })(event, context);
      expect(result).toMatchObject({ statusCode: 503, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
      expect(JSON.parse(result.body as string).message).toBe(`AWS is throttling irdr's requests (${name}); try again in a moment`);
    }
    // An operation that names what did not happen says so itself.
    const told = await apiHandler(async () => { throw new ThrottledRequestError('no run was started; try again in a moment', { cause: sfnThrottled }); })(event, context);
    expect(told.statusCode).toBe(503);
    expect(JSON.parse(told.body as string).message).toBe('no run was started; try again in a moment');
    // A name that merely contains the word is no throttling.
    expect((await apiHandler(async () => { throw Object.assign(new Error('x'), { name: 'NotThrottlingExceptionAtAll' }); })(event, context)).statusCode).toBe(500);
  });

  it('keeps an HttpError\'s status and a fault\'s 500 as they were', async () => {
    expect((await apiHandler(async () => { throw new HttpError(409, 'taken'); })(event, context)).statusCode).toBe(409);
    const fault = await apiHandler(async () => { throw new Error('secret detail'); })(event, context);
    expect(fault.statusCode).toBe(500);
    expect(fault.body).not.toContain('secret detail');
  });
});
