import { describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
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

  it('keeps an HttpError\'s status and a fault\'s 500 as they were', async () => {
    expect((await apiHandler(async () => { throw new HttpError(409, 'taken'); })(event, context)).statusCode).toBe(409);
    const fault = await apiHandler(async () => { throw new Error('secret detail'); })(event, context);
    expect(fault.statusCode).toBe(500);
    expect(fault.body).not.toContain('secret detail');
  });
});
