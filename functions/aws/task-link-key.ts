import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { requireEnvironment } from './environment.js';

/** Cached for five minutes per container: a rotated key reaches every function within that. */
const KEY_CACHE_SECONDS = 300;

/** This module's own provider (not the package's shared default): its client and cache live and die with the module. */
const secrets = new SecretsProvider();

/**
 * The keys that sign and verify emailed task links, current first. The key is a Secrets Manager secret
 * (created by CDK in AWS, served by the local stack's Secrets Manager locally): the SDK finds it either way.
 */
export async function taskLinkKeys(): Promise<string[]> {
  const secretId = requireEnvironment('TASK_LINK_SECRET_ID');
  const value = await secrets.get(secretId, { maxAge: KEY_CACHE_SECONDS });
  const key = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined;
  if (!key || key.length < 32) throw new Error(`secret ${secretId} holds no usable task-link key (at least 32 characters)`);
  return [key];
}
