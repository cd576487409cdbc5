import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../stack-config.js';

/** Reads a secret's SecretString from the local Secrets Manager, as the Data API does from Secrets Manager in AWS. */
export function localSecretReader(secretsManagerEndpoint: string): { read: (secretArn: string) => Promise<string>; close: () => void } {
  const client = new SecretsManagerClient({ endpoint: secretsManagerEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return {
    read: async (secretArn) => {
      const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (secret.SecretString === undefined) throw new Error('the secret holds no SecretString');
      return secret.SecretString;
    },
    close: () => client.destroy(),
  };
}
