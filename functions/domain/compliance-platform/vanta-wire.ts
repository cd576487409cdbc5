import * as z from '../zod.js';

/*
 * Vanta's request and response shapes as its references document them (docs/compliance-platforms.md cites each page):
 * the client builds these, the local Vanta (local/compliance-platforms/) validates against them.
 */

/** POST /oauth/token (JSON): client credentials for a bearer token that lasts an hour. */
export const VantaTokenRequest = z.strictObject({
  client_id: z.string().check(z.minLength(1, 'client_id is required')),
  client_secret: z.string().check(z.minLength(1, 'client_secret is required')),
  scope: z.string().check(z.minLength(1, 'scope lists the permissions asked for, separated by spaces')),
  grant_type: z.literal('client_credentials', { error: 'grant_type is always "client_credentials"' }),
});
export type VantaTokenRequest = z.infer<typeof VantaTokenRequest>;

export const VantaTokenResponse = z.object({ access_token: z.string().check(z.minLength(1)), expires_in: z.optional(z.number()), token_type: z.optional(z.string()) });

/** A custom property's value: the references allow boolean, int32 and string properties only. */
export const CustomPropertyValue = z.union([z.boolean(), z.int32(), z.string()]);

/** One CustomResource of a sync_all: the base schema (displayName, uniqueId, externalUrl) plus the type's custom properties. */
export const VantaCustomResource = z.strictObject({
  displayName: z.string().check(z.minLength(1)),
  uniqueId: z.string().check(z.minLength(1)),
  externalUrl: z.string().check(z.minLength(1)),
  customProperties: z.record(z.string(), CustomPropertyValue),
});
export type VantaCustomResource = z.infer<typeof VantaCustomResource>;

/** PUT /v1/resources/custom_resource/sync_all: the whole state of the world for one resource type (omitted ones are deleted). */
export const VantaCustomResourceSync = z.strictObject({
  resourceId: z.string().check(z.minLength(1, 'resourceId names the custom resource type')),
  resources: z.array(VantaCustomResource),
});
export type VantaCustomResourceSync = z.infer<typeof VantaCustomResourceSync>;

/** The multipart field POST /v1/documents/{documentId}/uploads takes the file in (the upload guide). */
export const VANTA_UPLOAD_FILE_FIELD = 'file';
/** The optional text field sent beside it: what the file is, with the hash an auditor can check it against. */
export const VANTA_UPLOAD_DESCRIPTION_FIELD = 'description';

export const vantaPaths = {
  token: '/oauth/token',
  documentUploads: (documentId: string) => `/v1/documents/${encodeURIComponent(documentId)}/uploads`,
  documentSubmit: (documentId: string) => `/v1/documents/${encodeURIComponent(documentId)}/submit`,
  customResourceSync: '/v1/resources/custom_resource/sync_all',
} as const;
