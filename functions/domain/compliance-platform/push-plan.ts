import { createHash } from 'node:crypto';
import type { CompliancePlatformsConfig } from './config.js';
import type { SignedOffRecord } from './evidence-document.js';

/** What is pushed where: the signed report to a Vanta document or Drata's evidence library, the drill plans to Vanta's custom resources. */
export type PushTarget = 'vanta-document' | 'vanta-document-submit' | 'vanta-drill-resources' | 'drata-evidence';

export interface PlannedPush {
  /** Idempotency key: a push with this key is made once, whatever retries or re-sent sign-offs follow. */
  readonly key: string;
  readonly target: PushTarget;
  /** Where it goes, as the platform names it (recorded in the trail). */
  readonly where: string;
  /** The hash of what is pushed: a record's sign-off trail hash, or the resources body's hash. */
  readonly evidenceHash: string;
}

/** Trail events recording a push (on the pushed record's trail). */
export const PUSHED_EVENT = 'compliance.pushed';
export const PUSH_REJECTED_EVENT = 'compliance.push-rejected';
/** A rejected push opened again on request, once its cause is fixed: the rejection it replaces is kept in the detail. */
export const PUSH_REOPENED_EVENT = 'compliance.push-reopened';

/** SHA-256 of target, place and evidence hash: the same evidence to the same place is one push. */
export function pushKey(target: PushTarget, where: string, evidenceHash: string): string {
  return createHash('sha256').update(`${target}\n${where}\n${evidenceHash}`, 'utf8').digest('hex');
}

const planned = (target: PushTarget, where: string, evidenceHash: string): PlannedPush => ({ key: pushKey(target, where, evidenceHash), target, where, evidenceHash });

/** The signed report of a record, to each configured platform, in the order they are made; nothing when none is configured. */
export function recordPushes(record: SignedOffRecord, config: CompliancePlatformsConfig | undefined): PlannedPush[] {
  const hash = record.signOffEvent.hash;
  return [
    // Upload, then submit for review: two pushes, so a failed submit is retried without uploading the file again.
    ...(config?.vanta
      ? [planned('vanta-document', `vanta document ${config.vanta.documentId}`, hash), planned('vanta-document-submit', `vanta document ${config.vanta.documentId}`, hash)]
      : []),
    ...(config?.drata ? [planned('drata-evidence', `drata workspace ${config.drata.workspaceId} evidence library`, hash)] : []),
  ];
}

/** The drill plans' standing as Vanta custom resources, keyed by the body's hash (see drill-plan-resources.ts). */
export function resourcesPush(config: CompliancePlatformsConfig | undefined, bodyHash: string): PlannedPush | undefined {
  return config?.vanta ? planned('vanta-drill-resources', `vanta custom resource ${config.vanta.customResourceId}`, bodyHash) : undefined;
}

/** Which subject a push belongs to (its trail records it; the retry queue names it). */
export type PushSubject = { readonly kind: 'drill-run' | 'incident'; readonly id: string } | { readonly kind: 'drill-plans' };
export const subjectRef = (subject: PushSubject): string => (subject.kind === 'drill-plans' ? 'drill-plans' : `${subject.kind}#${subject.id}`);

/**
 * What the push function is invoked with: a record after its sign-off (with `retryRejected`, asked by a person once the
 * cause of a 4xx is fixed: its rejected pushes are made again), or nothing (the schedule: retry what is queued, refresh
 * the plans; never a rejected push).
 */
export type PushRequest = { readonly subject: Extract<PushSubject, { id: string }>; readonly retryRejected?: true } | { readonly scheduled: true };

const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
export function parsePushRequest(payload: unknown): PushRequest {
  const request = payload as { subject?: { kind?: unknown; id?: unknown }; retryRejected?: unknown } | null;
  const subject = request?.subject;
  if (request?.retryRejected !== undefined && (request.retryRejected !== true || subject === undefined)) throw new TypeError('retryRejected is true, beside the subject whose rejected pushes to make again');
  if (subject === undefined) return { scheduled: true };
  if ((subject.kind === 'incident' || subject.kind === 'drill-run') && typeof subject.id === 'string' && SAFE_ID.test(subject.id)) {
    return { subject: { kind: subject.kind, id: subject.id }, ...(request?.retryRejected === true && { retryRejected: true as const }) };
  }
  throw new TypeError('a push names its subject as { kind: "incident" | "drill-run", id }');
}

/** When queued pushes are retried and the drill plans' standing refreshed: hourly (EventBridge Scheduler in AWS, the local scheduler here). */
export const COMPLIANCE_PUSH_SCHEDULE = { name: 'irdr-compliance-push', expression: 'cron(20 * * * ? *)', timeZone: 'UTC' } as const;
