import * as z from '../zod.js';

const OAuthClient = z.strictObject({ clientId: z.string().check(z.minLength(1)), clientSecret: z.string().check(z.minLength(1)) });

/**
 * The one Secrets Manager secret holding the platforms' credentials (JSON): Vanta's two applications (Manage Vanta for
 * document uploads, a private Build Integrations one for custom resources) and Drata's API key. Only what is configured is needed.
 */
export const CompliancePlatformCredentials = z.strictObject({
  vanta: z.optional(z.strictObject({ documents: OAuthClient, resources: OAuthClient })),
  drata: z.optional(z.strictObject({ apiKey: z.string().check(z.minLength(1)) })),
});
export type CompliancePlatformCredentials = z.infer<typeof CompliancePlatformCredentials>;
