import * as z from '../zod.js';

/*
 * Drata's public API as its reference documents "Add evidence" (POST /workspaces/{workspaceId}/evidence-library,
 * multipart): the client builds this form, the local Drata (local/compliance-platforms/) validates against it.
 */

export const DRATA_RENEWAL_SCHEDULES = ['ONE_MONTH', 'TWO_MONTHS', 'THREE_MONTHS', 'SIX_MONTHS', 'ONE_YEAR', 'CUSTOM', 'NONE'] as const;
export const DRATA_SOURCES = ['URL', 'S3_FILE', 'TICKET_PROVIDER', 'NONE'] as const;
/** File extensions the reference accepts for `file` (no HTML, no zip: the report goes as a PDF). */
export const DRATA_FILE_EXTENSIONS = ['.pdf', '.docx', '.odt', '.xlsx', '.ods', '.pptx', '.odp', '.gif', '.jpeg', '.jpg', '.png'] as const;

/** The form's text fields (the file travels as `file`); numbers and arrays arrive as strings, as in any multipart form. */
export const DrataEvidenceFields = z.object({
  name: z.string().check(z.minLength(1, 'name is required'), z.maxLength(191, 'name is at most 191 characters')),
  description: z.optional(z.string().check(z.maxLength(30_000, 'description is at most 30000 characters'))),
  renewalDate: z.string().check(z.minLength(1, 'renewalDate is required')),
  renewalScheduleType: z.enum(DRATA_RENEWAL_SCHEDULES, { error: `renewalScheduleType is one of ${DRATA_RENEWAL_SCHEDULES.join(', ')}` }),
  source: z.enum(DRATA_SOURCES, { error: `source is one of ${DRATA_SOURCES.join(', ')}` }),
  filedAt: z.string().check(z.minLength(1, 'filedAt is required')),
  ownerId: z.string().check(z.regex(/^\d+$/, 'ownerId is a number')),
});
export type DrataEvidenceFields = z.infer<typeof DrataEvidenceFields>;

export const drataPaths = {
  evidenceLibrary: (workspaceId: number | string) => `/workspaces/${encodeURIComponent(String(workspaceId))}/evidence-library`,
} as const;
