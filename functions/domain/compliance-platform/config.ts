import * as z from '../zod.js';

/**
 * Vanta (docs/compliance-platforms.md). Two Developer Console applications: a "Manage Vanta" one uploads to documents,
 * a "Build Integrations" (private) one syncs the custom resources; each has its own client id and secret in the secret.
 */
export const VantaConfig = z.strictObject({
  /** The document (evidence request) each signed-off record's report is uploaded to: the id in app.vanta.com/documents/<id>. */
  documentId: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,200}$/, 'the document id from its URL, app.vanta.com/documents/<id> (letters, digits, - _ .)')),
  /** The custom resource type's resourceId (the private integration's Resources tab) the drill plans are synced as. */
  customResourceId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,200}$/, "the custom resource type's resourceId from the integration's Resources tab")),
  /** Scopes asked of the token endpoint, per application (as the references name them). */
  scopes: z.prefault(z.strictObject({
    documents: z._default(z.string().check(z.minLength(1)), 'vanta-api.all:read vanta-api.all:write vanta-api.documents:upload'),
    resources: z._default(z.string().check(z.minLength(1)), 'connectors.self:read-resource connectors.self:write-resource'),
  }), {}),
});
export type VantaConfig = z.infer<typeof VantaConfig>;

/** Drata: the signed report as an Evidence Library item (its public API, bearer API key). */
export const DrataConfig = z.strictObject({
  /** The API's base URL for the account's region (US, EU or APAC host): taken from Drata's API settings, no default guessed. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'the base URL of Drata\'s public API for your region, e.g. https://public-api.drata.com/public' }),
  workspaceId: z.number().check(z.int(), z.positive('the Drata workspace id, a positive whole number')),
  /** The Drata user who owns the evidence items (ownerId is required by the API). */
  ownerId: z.number().check(z.int(), z.positive('the Drata user id that owns the evidence, a positive whole number')),
  /** Controls the evidence is linked to (Drata control ids). */
  controlIds: z._default(z.array(z.number().check(z.int(), z.positive())), []),
});
export type DrataConfig = z.infer<typeof DrataConfig>;

/** Where signed-off evidence is pushed; each platform is off unless configured. */
export const CompliancePlatformsConfig = z.strictObject({
  vanta: z.optional(VantaConfig),
  drata: z.optional(DrataConfig),
});
export type CompliancePlatformsConfig = z.infer<typeof CompliancePlatformsConfig>;

/** The documented production base URL (developer.vanta.com/reference/overview); the local stack points elsewhere. */
export const VANTA_DEFAULT_API_URL = 'https://api.vanta.com';
