import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';

/*
 * Secrets Manager on this machine, at the wire protocol (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Op>`),
 * so handlers read secrets with the AWS SDK (or Powertools Parameters) through AWS_ENDPOINT_URL_SECRETS_MANAGER
 * exactly as in AWS. It serves the secrets the stack declares, each created with a random value on first
 * start and kept in a file under the data dir (mode 0600), or in memory.
 */

export interface LocalSecretSpec {
  readonly name: string;
  readonly description: string;
  /** The value a new secret gets. */
  readonly generate: () => string;
}

export interface LocalSecretsManagerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  readonly secrets: readonly LocalSecretSpec[];
  /** Where the secrets persist; in memory when undefined. */
  readonly file?: string;
}

export interface LocalSecretsManager {
  readonly endpoint: string;
  /** The ARN of each declared secret, by name. */
  readonly arns: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const StoredSecret = z.object({
  arn: z.string(),
  name: z.string(),
  description: z.string(),
  versionId: z.string(),
  secretString: z.string(),
  createdDate: z.number(),
});
type StoredSecret = z.infer<typeof StoredSecret>;
const SecretsFile = z.object({ secrets: z.array(StoredSecret) });

const TARGET_PREFIX = 'secretsmanager.';

class SecretsManagerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A random 256-bit key, hex: what a new signing-key secret holds. */
export const randomKey = (): string => randomBytes(32).toString('hex');

export async function startLocalSecretsManager(options: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const secrets = loadSecrets(options);
  const find = (secretId: unknown): StoredSecret => {
    const found = typeof secretId === 'string' ? secrets.find((secret) => secret.name === secretId || secret.arn === secretId) : undefined;
    if (!found) throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetSecretValue: (body) => {
      const secret = find(body['SecretId']);
      if ((body['VersionId'] !== undefined && body['VersionId'] !== secret.versionId) || (body['VersionStage'] !== undefined && body['VersionStage'] !== 'AWSCURRENT')) {
        throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for the version or staging label.");
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.secretString,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      };
    },
    DescribeSecret: (body) => {
      const secret = find(body['SecretId']);
      return { ARN: secret.arn, Name: secret.name, Description: secret.description, CreatedDate: secret.createdDate, VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] } };
    },
  };

  const server = createServer((request, response) => {
    void respond(request, response, operations);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    arns: Object.fromEntries(secrets.map((secret) => [secret.name, secret.arn])),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The declared secrets: from the file when it has them, else new (and written back). */
function loadSecrets(options: LocalSecretsManagerOptions): StoredSecret[] {
  const stored = options.file && existsSync(options.file) ? SecretsFile.parse(JSON.parse(readFileSync(options.file, 'utf8'))).secrets : [];
  let changed = false;
  const secrets = options.secrets.map((spec) => {
    const existing = stored.find((secret) => secret.name === spec.name);
    if (existing) return existing;
    changed = true;
    const suffix = randomBytes(4).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6);
    return {
      arn: `arn:aws:secretsmanager:${options.region}:${options.accountId}:secret:${spec.name}-${suffix}`,
      name: spec.name,
      description: spec.description,
      versionId: randomUUID(),
      secretString: spec.generate(),
      createdDate: Math.floor(Date.now() / 1000),
    };
  });
  if (options.file && changed) {
    mkdirSync(dirname(options.file), { recursive: true });
    const kept = stored.filter((secret) => !secrets.some((declared) => declared.name === secret.name));
    writeFileSync(options.file, JSON.stringify({ secrets: [...kept, ...secrets] }, null, 2), { mode: 0o600 });
  }
  return secrets;
}

async function respond(request: IncomingMessage, response: ServerResponse, operations: Record<string, (body: Record<string, unknown>) => unknown>): Promise<void> {
  try {
    const target = request.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const operation = name === undefined ? undefined : operations[name];
    if (request.method !== 'POST' || !operation) {
      throw new SecretsManagerError('UnknownOperationException', `The local Secrets Manager does not support ${typeof target === 'string' ? target : '(no X-Amz-Target)'}`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new SecretsManagerError('SerializationException', 'Request body is not valid JSON');
    }
    send(response, 200, operation(body));
  } catch (error) {
    const code = error instanceof SecretsManagerError ? error.code : 'InternalServiceError';
    send(response, error instanceof SecretsManagerError ? 400 : 500, { __type: code, Message: (error as Error).message }, { 'x-amzn-ErrorType': code });
  }
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(payload);
}
