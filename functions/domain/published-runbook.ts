import * as z from './zod.js';

/** A runbook as GET /runbooks shows it: its identity, and its definition as loaded from workflows/runbooks. */
export const PublishedRunbook = z.object({
  id: z.string(),
  title: z.string(),
  version: z.number().check(z.int()),
  /** Content hash, the one stamped on every incident and run of this version. */
  hash: z.string().check(z.length(64)),
  description: z.optional(z.string()),
  /** The validated YAML document (defaults applied), as the compiler read it. */
  definition: z.record(z.string(), z.unknown()),
});
export type PublishedRunbook = z.infer<typeof PublishedRunbook>;

/** The RUNBOOK_DEFINITIONS value: every runbook, sorted by id. */
export const PublishedRunbooks = z.array(PublishedRunbook);
export type PublishedRunbooks = z.infer<typeof PublishedRunbooks>;

/** The summary GET /runbooks lists (the definition only comes with GET /runbooks/{id}). */
export function runbookSummary({ definition: _definition, ...summary }: PublishedRunbook): Omit<PublishedRunbook, 'definition'> {
  return summary;
}
