import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalLambdaApi, type LocalLambdaApi } from '../../local/lambda-api.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../local/stack-config.js';

/** Functions of this test: the Invoke API only routes to them. */
const functions: Record<string, (payload: unknown) => Promise<unknown>> = {
  echo: async (payload) => ({ received: payload }),
  nothing: async () => undefined,
  broken: async () => {
    throw new TypeError('cannot read the restored table');
  },
};

let api: LocalLambdaApi;
let client: LambdaClient;
let events: unknown[] = [];

beforeAll(async () => {
  api = await startLocalLambdaApi({
    host: LOCAL_HOST,
    port: 0,
    invoke: async (functionName, payload) => {
      const name = functionName.split(':function:').pop()!.split(':')[0]!;
      const run = functions[name];
      if (name === 'queued') return void events.push(payload);
      if (!run) throw Object.assign(new Error(`Function not found: ${functionName}`), { name: 'ResourceNotFoundException' });
      return run(payload);
    },
  });
  client = new LambdaClient({ endpoint: api.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  client.destroy();
  await api.stop();
});

const payloadOf = (bytes: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));

describe('local Lambda Invoke API, through @aws-sdk/client-lambda', () => {
  it('answers RequestResponse with the function result, by name or ARN', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ a: 1 })) }));
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(payloadOf(response.Payload)).toEqual({ received: { a: 1 } });
    const byArn = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo', Payload: Buffer.from('[1,2]') }));
    expect(payloadOf(byArn.Payload)).toEqual({ received: [1, 2] });
  });

  it('gives a function invoked without a payload an empty object, and answers null for no result', async () => {
    expect(payloadOf((await client.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload)).toEqual({ received: {} });
    expect(payloadOf((await client.send(new InvokeCommand({ FunctionName: 'nothing' }))).Payload)).toBeNull();
  });

  it('reports a thrown error as Lambda does: 200, FunctionError Unhandled, errorType and errorMessage', async () => {
    const response = await client.send(new InvokeCommand({ FunctionName: 'broken', Payload: Buffer.from('{}') }));
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(payloadOf(response.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'cannot read the restored table' });
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    const failure = await client.send(new InvokeCommand({ FunctionName: 'missing' })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    expect((failure as Error).message).toContain('Function not found: missing');
  });

  it('queues Event invocations (202) and does nothing for DryRun (204)', async () => {
    events = [];
    const queued = await client.send(new InvokeCommand({ FunctionName: 'queued', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }));
    expect(queued.StatusCode).toBe(202);
    await expect.poll(() => events).toEqual([{ n: 1 }]);
    const dryRun = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dryRun.StatusCode).toBe(204);
  });

  it('refuses a body that is not JSON, and any other operation', async () => {
    const failure = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'InvalidRequestContentException' });
    const other = await fetch(`${api.endpoint}/2015-03-31/functions/echo`);
    expect(other.status).toBe(404);
    expect(other.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('uses functionExists, when given, to tell an unknown function from a function error', async () => {
    const strict = await startLocalLambdaApi({
      host: LOCAL_HOST,
      port: 0,
      functionExists: (name) => name === 'reads-missing-table',
      invoke: async () => {
        throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
      },
    });
    const strictClient = new LambdaClient({ endpoint: strict.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const response = await strictClient.send(new InvokeCommand({ FunctionName: 'reads-missing-table' }));
      expect(response.FunctionError).toBe('Unhandled');
      expect(payloadOf(response.Payload)).toMatchObject({ errorType: 'ResourceNotFoundException' });
      await expect(strictClient.send(new InvokeCommand({ FunctionName: 'other' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      strictClient.destroy();
      await strict.stop();
    }
  });
});
