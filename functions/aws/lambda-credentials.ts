import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundles only (lib/functions.ts aliases it): Lambda
 * always hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
 * the default chain's first link, so its other links (SSO, INI files, STS web identity, IMDS, login: ~90 KB of every
 * bundle, with the STS and SSO clients they nest) could never run there. Handlers run unbundled locally keep the chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> => fromEnv(init);
