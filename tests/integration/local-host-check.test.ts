import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDb, type RunningDynamoDb } from '../../local/dynamodb/servers.js';
import { LOCAL_HOST } from '../../local/stack-config.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * DNS rebinding: a page on evil.example re-resolves its name to 127.0.0.1 and the browser then sends its requests to
 * the local ports, with `Host: evil.example`. Every local server must refuse them before doing anything.
 */

let session: TestStack;
let dynalite: RunningDynamoDb;
beforeAll(async () => {
  session = await startTestStack();
  // The embedded DynamoDB behind the front listens on a port of its own: guarded too.
  dynalite = await startDynamoDb({ backend: 'embedded', host: LOCAL_HOST, port: 0 });
}, 60_000);
afterAll(async () => {
  await session?.stop();
  await dynalite?.stop();
});

/** Sends a request with exactly this Host header (fetch would put the URL's own host there). */
function send(url: string, host: string | undefined, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? 'GET', headers: { ...options.headers, ...(host !== undefined && { host }) }, setHost: host === undefined ? false : true },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** What a rebinding page would try on each server: the request that would do harm there, as the SDK would send it. */
const attacks = (): Array<{ server: string; url: string; method: string; headers?: Record<string, string>; body?: string }> => {
  const env = session.stack.environment;
  const awsJson = (target: string, version = '1.1') => ({ 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target });
  return [
    { server: 'HTTP API', url: `${session.stack.urls.api}/incidents`, method: 'GET', headers: { authorization: 'Bearer dev-admin' } },
    { server: 'review page', url: `${session.stack.urls.api}/review`, method: 'GET' },
    { server: 'Step Functions', url: `${session.stack.urls.stepFunctions}/`, method: 'POST', headers: awsJson('AWSStepFunctions.ListStateMachines', '1.0'), body: '{}' },
    { server: 'DynamoDB (front)', url: `${session.stack.urls.dynamodb}/`, method: 'POST', headers: awsJson('DynamoDB_20120810.ListTables', '1.0'), body: '{}' },
    { server: 'DynamoDB (dynalite)', url: `${dynalite.endpoint}/`, method: 'POST', headers: awsJson('DynamoDB_20120810.ListTables', '1.0'), body: '{}' },
    { server: 'SES mailbox page', url: `${session.stack.urls.ses}/`, method: 'GET' },
    { server: 'SES mailbox store', url: `${session.stack.urls.ses}/store`, method: 'GET' },
    // The local Slack's page presses buttons (signed interactions), its Web API posts as the bot.
    { server: 'Slack page', url: `${session.stack.slack!.endpoint}/`, method: 'GET' },
    { server: 'Slack press', url: `${session.stack.slack!.endpoint}/press`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'channel=C0COMPLIANCE&ts=1.1&action_id=irdr.acknowledge&user=U0RITA' },
    { server: 'Slack Web API', url: `${env.SLACK_API_URL}chat.postMessage`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'channel=C0COMPLIANCE&text=x' },
    { server: 'KMS', url: `${env.AWS_ENDPOINT_URL_KMS}/`, method: 'POST', headers: awsJson('TrentService.ListKeys'), body: '{}' },
    { server: 'Secrets Manager', url: `${session.stack.secretsManagerEndpoint}/`, method: 'POST', headers: awsJson('secretsmanager.ListSecrets'), body: '{}' },
    { server: 'EventBridge', url: `${session.stack.urls.eventBridge}/`, method: 'POST', headers: awsJson('AWSEvents.PutEvents'), body: '{"Entries":[]}' },
    { server: 'Lambda Invoke', url: `${env.AWS_ENDPOINT_URL_LAMBDA}/2015-03-31/functions/irdr-ListIncidents/invocations`, method: 'POST', body: '{}' },
    { server: 'AWS Backup', url: `${env.AWS_ENDPOINT_URL_BACKUP}/restore-jobs`, method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"RecoveryPointArn":"x","Metadata":{}}' },
    { server: 'RDS', url: `${env.AWS_ENDPOINT_URL_RDS}/`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DeleteDBCluster&Version=2014-10-31&DBClusterIdentifier=orders&SkipFinalSnapshot=true' },
    { server: 'Vanta (local)', url: `${env.VANTA_API_URL}/oauth/token`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    { server: 'Drata (local)', url: `${env.DRATA_API_URL}/workspaces/1/evidence-library`, method: 'POST', body: '' },
    { server: 'RDS Data API', url: `${env.AWS_ENDPOINT_URL_RDS_DATA}/Execute`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sql":"DROP TABLE orders"}' },
  ];
};

describe('local servers refuse a foreign Host (DNS rebinding)', () => {
  it('refuses Host: evil.example on every server, with 421 and a message that says why', async () => {
    for (const attack of attacks()) {
      const answer = await send(attack.url, 'evil.example', attack);
      expect({ server: attack.server, status: answer.status }).toEqual({ server: attack.server, status: 421 });
      expect(JSON.parse(answer.body).message).toMatch(/only requests addressed to this machine.*evil\.example/);
    }
  });

  it('refuses the rebinding variants: a port, a look-alike, a trailing dot, a subdomain of localhost, no Host at all', async () => {
    const { url } = attacks()[0]!;
    for (const host of ['evil.example:3000', '127.0.0.1.evil.example', 'localhost.', 'a.localhost', 'localhost.evil.example', '127.0.0.2', '0.0.0.0:80']) {
      expect({ host, status: (await send(url, host)).status }).toEqual({ host, status: 421 });
    }
    // No Host at all: Node's server answers an HTTP/1.1 request without one 400 before any handler runs.
    expect([400, 421]).toContain((await send(url, undefined)).status);
  });

  it('still answers every server when Host is 127.0.0.1, localhost or [::1] with the port, as the AWS SDK and CLI send it', async () => {
    for (const attack of attacks()) {
      const port = new URL(attack.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
        const answer = await send(attack.url, host, attack);
        expect({ server: attack.server, host, refused: answer.status === 421 }).toEqual({ server: attack.server, host, refused: false });
      }
    }
  });
});

describe('dev tokens are made at each start', () => {
  it('refuses the fixed names a README or a rebinding page knows (dev-admin, ...) with 403, and takes this start\'s tokens', async () => {
    const asBearer = (token: string) => send(`${session.stack.urls.api}/incidents?limit=1`, `127.0.0.1:${new URL(session.stack.urls.api).port}`, { headers: { authorization: `Bearer ${token}` } });
    for (const literal of ['dev-admin', 'dev-responder', 'dev-commander', 'dev-approver', 'dev-auditor']) {
      expect({ literal, status: (await asBearer(literal)).status }).toEqual({ literal, status: 403 });
    }
    expect((await asBearer(session.stack.devTokens.tokenOf('dev-admin'))).status).toBe(200);
    expect((await asBearer(session.stack.environment.IRDR_TOKEN!)).status).toBe(200);
    expect((await asBearer(session.stack.environment.IRDR_TOKEN_AUDITOR!)).status).toBe(200);
  });
});
