import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { AwsServiceError, startAwsJsonService } from './aws-json-service.js';
import { loadDeclaredResources } from './declared-resources-file.js';

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

/** A random 256-bit key, hex: what a new signing-key secret holds. */
export const randomKey = (): string => randomBytes(32).toString('hex');

export async function startLocalSecretsManager(options: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const secrets = loadSecrets(options);
  const find = (secretId: unknown): StoredSecret => {
    // As AWS: by name, by ARN, or by a partial ARN (the ARN without its random `-xxxxxx` suffix, what a plan can name in advance).
    const found = typeof secretId === 'string' ? secrets.find((secret) => secret.name === secretId || secret.arn === secretId || secret.arn.slice(0, -7) === secretId) : undefined;
    if (!found) throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetSecretValue: (body) => {
      const secret = find(body['SecretId']);
      if ((body['VersionId'] !== undefined && body['VersionId'] !== secret.versionId) || (body['VersionStage'] !== undefined && body['VersionStage'] !== 'AWSCURRENT')) {
        throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for the version or staging label.");
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

  const service = await startAwsJsonService({ host: options.host, port: options.port, targetPrefix: 'secretsmanager', serviceName: 'Secrets Manager', operations });
  return {
    endpoint: service.endpoint,
    arns: Object.fromEntries(secrets.map((secret) => [secret.name, secret.arn])),
    stop: () => service.stop(),
  };
}

/** The declared secrets: from the file when it has them, else new (and written back). */
function loadSecrets(options: LocalSecretsManagerOptions): StoredSecret[] {
  return loadDeclaredResources({
    file: options.file,
    listName: 'secrets',
    schema: StoredSecret,
    declared: options.secrets,
    isStoredFor: (secret, spec) => secret.name === spec.name,
    create: (spec) => {
      const suffix = randomBytes(4).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6);
      return {
        arn: `arn:aws:secretsmanager:${options.region}:${options.accountId}:secret:${spec.name}-${suffix}`,
        name: spec.name,
        description: spec.description,
        versionId: randomUUID(),
        secretString: spec.generate(),
        createdDate: Math.floor(Date.now() / 1000),
      };
    },
  });
}
