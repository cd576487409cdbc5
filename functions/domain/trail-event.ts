import type { ChainLink } from './hash-chain.js';

/** What a writer says happened; the trail adds seq, prevHash and hash. */
export interface TrailEventBody extends Record<string, unknown> {
  /** Dotted type, e.g. incident.opened, triage.started, notification.sent, runbook.failed. */
  readonly type: string;
  /** ISO-8601 time the event was recorded. */
  readonly at: string;
  /** Who caused it: an IAM principal ARN, or `states:<execution ARN>` for a runbook step. */
  readonly actor: string;
  readonly stepId?: string;
  readonly detail?: Record<string, unknown>;
}

export type TrailEvent = TrailEventBody & ChainLink;
