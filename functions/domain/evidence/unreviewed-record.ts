/** A closed record awaiting an auditor's sign-off, as GET /evidence/unreviewed lists it (the console reads the same shape). */
export interface UnreviewedRecord {
  readonly kind: 'incident' | 'drill-run';
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly openedAt: string;
  readonly severity?: string;
  readonly planId?: string;
  /** An incident's mode: an exercise is an IR plan test, signed off like an incident. */
  readonly mode?: string;
}
