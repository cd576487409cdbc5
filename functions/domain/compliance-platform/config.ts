import * as z from 'zod';

/**
 * Vanta (docs/compliance-platforms.md). Two Developer Console applications: a "Manage Vanta" one uploads to documents,
 * a "Build Integrations" (private) one syncs the custom resources; each has its own client id and secret in the secret.
 */
export const VantaConfig = z.strictObject({
  /** The document (evidence request) each signed-off record's report is uploaded to: the id in app.vanta.com/documents/<id>. */
  documentId: z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'the document id from its URL, app.vanta.com/documents/<id> (letters, digits, - _ .)'),
  /** The custom resource type's resourceId (the private integration's Resources tab) the drill plans are synced as. */
  customResourceId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "the custom resource type's resourceId from the integration's Resources tab"),
  /** Scopes asked of the token endpoint, per application (as the references name them). */
  scopes: z
    .strictObject({
      documents: z.string().min(1).default('vanta-api.all:read vanta-api.all:write vanta-api.documents:upload'),
      resources: z.string().min(1).default('connectors.self:read-resource connectors.self:write-resource'),
    })
    .prefault({}),
});
export type VantaConfig = z.infer<typeof VantaConfig>;

/** Drata: the signed report as an Evidence Library item (its public API, bearer API key). */
export const DrataConfig = z.strictObject({
  /** The API's base URL for the account's region (US, EU or APAC host): taken from Drata's API settings, no default guessed. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'the base URL of Drata\'s public API for your region, e.g. https://public-api.drata.com/public' }),
  workspaceId: z.number().int().positive('the Drata workspace id, a positive whole number'),
  /** The Drata user who owns the evidence items (ownerId is required by the API). */
  ownerId: z.number().int().positive('the Drata user id that owns the evidence, a positive whole number'),
  /** Controls the evidence is linked to (Drata control ids). */
  controlIds: z.array(z.number().int().positive()).default([]),
});
export type DrataConfig = z.infer<typeof DrataConfig>;

/** Where signed-off evidence is pushed; each platform is off unless configured. */
export const CompliancePlatformsConfig = z.strictObject({
  vanta: VantaConfig.optional(),
  drata: DrataConfig.optional(),
});
export type CompliancePlatformsConfig = z.infer<typeof CompliancePlatformsConfig>;

/** The documented production base URL (developer.vanta.com/reference/overview); the local stack points elsewhere. */
export const VANTA_DEFAULT_API_URL = 'https://api.vanta.com';
