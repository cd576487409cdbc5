/*
 * What the console reads of the API's answers (functions/http): the fields it shows, no more. The API's own types
 * live beside its handlers; these are the browser's view of the JSON, kept small on purpose.
 */

export interface IncidentView {
  readonly incidentId: string;
  readonly runbookId: string;
  readonly title: string;
  readonly severity: string;
  readonly summary: string;
  readonly mode: string;
  readonly status: 'open' | 'acknowledged' | 'resolved' | 'closed';
  readonly runbookStatus: string;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly acknowledgedBy?: string;
  readonly resolvedBy?: string;
  readonly resolutionSummary?: string;
  /** The incident's labels (regulatory classification labels among them), as the API keeps them. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ClockView {
  readonly clockId: string;
  readonly title: string;
  readonly kind: string;
  readonly status: string;
  readonly deadlineAt?: string;
  readonly metAt?: string;
  readonly missedAt?: string;
}

export interface TaskView {
  readonly taskId: string;
  readonly kind: 'task' | 'approval';
  readonly title: string;
  readonly instructions?: string;
  readonly assignee?: string;
  readonly approvers?: { readonly roles?: readonly string[] };
  readonly outcomes: readonly string[];
  readonly status: string;
  readonly level: number;
  readonly levelCount: number;
  readonly decision?: { readonly outcome: string; readonly decidedBy: string; readonly comment: string };
}

/** GET /on-call, per role: whom a page to it goes to now. */
export interface RoleOnCallView {
  readonly role: string;
  readonly scheduled: boolean;
  readonly paged: ReadonlyArray<{ readonly name: string; readonly email: string }>;
}

export interface TrailEventView {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly stepId?: string;
  readonly detail?: Record<string, unknown>;
  readonly [member: string]: unknown;
}

export interface IncidentRecordView {
  readonly incident: IncidentView;
  readonly tasks: TaskView[];
  readonly clocks: ClockView[];
  readonly events: TrailEventView[];
}
