import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsOf } from '../../bench/function-bundle.js';
import { FUNCTION_BUNDLING } from '../../lib/functions.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

/*
 * The Lambda bundles replace the SDK's default credential chain with its environment link (lib/functions.ts aliases
 * @aws-sdk/credential-provider-node): a client bundled as the functions are must still sign every request with the
 * role credentials Lambda puts in the environment, and with nothing else it finds on the machine.
 */

const workdir = mkdtempSync(join(tmpdir(), 'irdr-lambda-credentials-'));
const requests: IncomingHttpHeaders[] = [];
const dynamodb = createServer((request, response) => {
  requests.push(request.headers);
  request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'));
});
let bundle: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));
  const { outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
  bundle = join(workdir, outfile);
  // A handler's client module, as the functions hold it, calling DynamoDB once (ListTables: the smallest signed call).
  const contents = "import { ListTablesCommand } from '@aws-sdk/client-dynamodb'; import { dynamodbClient } from './functions/aws/dynamodb-client.ts'; const result = await dynamodbClient.send(new ListTablesCommand({})); process.stdout.write(JSON.stringify(result.TableNames));";
  await build({ ...options, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'list-tables.ts' }, outfile: bundle, absWorkingDir: PROJECT_ROOT, logLevel: 'warning' });
});
afterAll(() => {
  dynamodb.close();
  rmSync(workdir, { recursive: true, force: true });
});

/** Runs the bundle in a fresh process with only this environment (plus PATH and the local DynamoDB). */
async function runBundle(environment: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const endpoint = `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`;
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...environment };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bundle], { env, timeout: 20_000 });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
}

describe('SDK clients in the Lambda bundles', () => {
  it("sign with the role credentials Lambda gives in the environment, session token included", async () => {
    requests.length = 0;
    const result = await runBundle({ AWS_ACCESS_KEY_ID: 'ASIALAMBDAROLEEXAMPLE', AWS_SECRET_ACCESS_KEY: 'lambda-secret', AWS_SESSION_TOKEN: 'lambda-session-token' });
    expect(result).toEqual({ ok: true, output: '[]' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIALAMBDAROLEEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /);
    expect(requests[0]!['x-amz-security-token']).toBe('lambda-session-token');
    // The bundles keep of the client's package.json only what its user agent reads (lib/lambda-bundle-trims.ts): the version.
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk/client-dynamodb/package.json'), 'utf8')) as { version: string };
    expect(`${requests[0]!['user-agent']} ${String(requests[0]!['x-amz-user-agent'])}`).toContain(`api/dynamodb#${version}`);
  });

  it('never sign with a shared credentials file or profile planted beside them, and call nothing without the environment', async () => {
    const home = join(workdir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAPLANTEDEXAMPLE\naws_secret_access_key = planted\n[planted]\naws_access_key_id = AKIAPLANTEDPROFILE\naws_secret_access_key = planted\n');
    requests.length = 0;
    const result = await runBundle({ HOME: home, AWS_PROFILE: 'planted' });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Unable to find environment variable credentials');
    expect(requests).toEqual([]);

    const withBoth = await runBundle({ HOME: home, AWS_PROFILE: 'planted', AWS_ACCESS_KEY_ID: 'ASIALAMBDAROLEEXAMPLE', AWS_SECRET_ACCESS_KEY: 'lambda-secret', AWS_SESSION_TOKEN: 'lambda-session-token' });
    expect(withBoth.ok).toBe(true);
    expect(requests.map((headers) => headers.authorization)).toEqual([expect.stringContaining('Credential=ASIALAMBDAROLEEXAMPLE/')]);
  });
});
