import { ClientRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAwsCalls, runAsFunction } from '../../local/aws-call-recorder.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';

/** Answers every request 200 `{}`: enough for the SDK, and the recorder only reads what is sent. */
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const clientConfig = () => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
const table = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${name}`;

describe('recordAwsCalls: what each call of a function is authorized against, read from the request it sends', () => {
  it('reads the JSON body the SDK sends, per function, only while asked to', async () => {
    const dynamodb = new DynamoDBClient(clientConfig());
    const recorder = recordAwsCalls({ authorization: { partitionKeyOf: () => 'pk' } });
    try {
      await runAsFunction('Writer', () => dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'ORDER#1' }, sk: { S: 'META' } } })));
      await runAsFunction('Batcher', () =>
        dynamodb.send(new BatchWriteItemCommand({ RequestItems: { a: [{ PutRequest: { Item: { pk: { S: 'x' } } } }], b: [{ DeleteRequest: { Key: { pk: { S: 'y' } } } }] } })),
      );
      // Outside any function: not recorded.
      await dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'ORDER#2' } } }));
    } finally {
      recorder.stop();
      dynamodb.destroy();
    }
    // Stopped, it leaves Node's http client as it found it.
    expect(Object.hasOwn(ClientRequest.prototype, 'write') || Object.hasOwn(ClientRequest.prototype, 'end')).toBe(false);
    expect(recorder.calls()).toEqual([
      { functionName: 'Writer', action: 'dynamodb:PutItem', authorization: { resources: [table('orders')], conditionValues: { 'dynamodb:LeadingKeys': ['ORDER#1'] } } },
      { functionName: 'Batcher', action: 'dynamodb:BatchWriteItem', authorization: { resources: [table('a'), table('b')], conditionValues: { 'dynamodb:LeadingKeys': ['x', 'y'] } } },
    ]);
  });

  it('reads REST JSON bodies too (SES v2)', async () => {
    const ses = new SESv2Client(clientConfig());
    const recorder = recordAwsCalls({ authorization: {} });
    try {
      await runAsFunction('Mailer', () =>
        ses.send(new SendEmailCommand({ FromEmailAddress: 'irdr@example.com', Destination: { ToAddresses: ['a@example.com'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } })),
      ).catch(() => undefined); // the stub's `{}` is no SendEmail answer; the request is what counts
    } finally {
      recorder.stop();
      ses.destroy();
    }
    expect(recorder.calls().map((call) => call.authorization)).toEqual([
      {
        resources: [`arn:aws:ses:${LOCAL_REGION}:000000000000:identity/irdr@example.com`, `arn:aws:ses:${LOCAL_REGION}:000000000000:identity/example.com`],
        conditionValues: { 'ses:FromAddress': ['irdr@example.com'] },
      },
    ]);
  });

  it('names actions only, reading no body, unless asked for authorizations', async () => {
    const dynamodb = new DynamoDBClient(clientConfig());
    const recorder = recordAwsCalls();
    try {
      await runAsFunction('Writer', () => dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'ORDER#1' } } })));
    } finally {
      recorder.stop();
      dynamodb.destroy();
    }
    expect(recorder.calls()).toEqual([{ functionName: 'Writer', action: 'dynamodb:PutItem' }]);
  });
});
