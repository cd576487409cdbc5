import * as z from './zod.js';

/**
 * Optional federation of the console's sign-in to the company's IdP (config `console.federation`): a SAML 2.0 IdP by
 * its metadata URL, or an OIDC IdP by issuer and client (its secret in Secrets Manager, never in the config).
 */
export const ConsoleFederation = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('saml'),
    /** The IdP's name in the user pool (what sign-in passes as identity_provider). */
    name: z.string().check(z.regex(/^[\w.-]{3,32}$/, 'a provider name of 3 to 32 letters, digits, _ . or -')),
    metadataUrl: z.url({ protocol: /^https$/ }),
    /** The SAML attribute that carries the email. @default the WS-Fed emailaddress claim */
    emailAttribute: z.optional(z.string().check(z.minLength(1))),
  }),
  z.strictObject({
    kind: z.literal('oidc'),
    name: z.string().check(z.regex(/^[\w.-]{3,32}$/, 'a provider name of 3 to 32 letters, digits, _ . or -')),
    issuerUrl: z.url({ protocol: /^https$/ }),
    clientId: z.string().check(z.minLength(1)),
    /** The Secrets Manager secret (name or ARN) holding the client secret. */
    clientSecretName: z.string().check(z.minLength(1)),
  }),
]);
export type ConsoleFederation = z.infer<typeof ConsoleFederation>;

export const ConsoleSettings = z.strictObject({ federation: z.optional(ConsoleFederation) });
