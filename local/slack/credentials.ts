import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SlackAppSecret } from '../../functions/domain/slack-config.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../stack-config.js';
import type { LocalSlackCredentials } from './server.js';

/** The bot token and signing secret as the local Secrets Manager holds them: the local Slack checks what the handlers read. */
export async function localSlackCredentials(endpoint: string, secretId: string): Promise<LocalSlackCredentials> {
  const client = new SecretsManagerClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const value = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return SlackAppSecret.parse(JSON.parse(value.SecretString ?? ''));
  } finally {
    client.destroy();
  }
}
