import * as z from 'zod';

const OAuthClient = z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

/**
 * The one Secrets Manager secret holding the platforms' credentials (JSON): Vanta's two applications (Manage Vanta for
 * document uploads, a private Build Integrations one for custom resources) and Drata's API key. Only what is configured is needed.
 */
export const CompliancePlatformCredentials = z.strictObject({
  vanta: z.strictObject({ documents: OAuthClient, resources: OAuthClient }).optional(),
  drata: z.strictObject({ apiKey: z.string().min(1) }).optional(),
});
export type CompliancePlatformCredentials = z.infer<typeof CompliancePlatformCredentials>;
