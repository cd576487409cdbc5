import { createHash } from 'node:crypto';
import type { CompliancePlatformsConfig } from './config.js';
import { EXPORT_ID_PATTERN } from '../evidence/export-job.js';
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
/** A push irdr refused to make: the evidence is not what was signed (an exported zip changed in the bucket). */
export const PUSH_REFUSED_EVENT = 'compliance.push-refused';
/** A rejected push opened again on request, once its cause is fixed: the rejection it replaces is kept in the detail. */
export const PUSH_REOPENED_EVENT = 'compliance.push-reopened';

/** SHA-256 of target, place and evidence hash: the same evidence to the same place is one push. */
export function pushKey(target: PushTarget, where: string, evidenceHash: string): string {
  return createHash('sha256').update(`${target}\n${where}\n${evidenceHash}`, 'utf8').digest('hex');
}

const planned = (target: PushTarget, where: string, evidenceHash: string): PlannedPush => ({ key: pushKey(target, where, evidenceHash), target, where, evidenceHash });

/** The signed report of a record, to each configured platform, in the order they are made; nothing when none is configured. */
export function recordPushes(record: SignedOffRecord, config: CompliancePlatformsConfig | undefined): PlannedPush[] {
  return evidencePushes(record.signOffEvent.hash, config);
}

/** Evidence of one hash to each configured platform: a record's report (its sign-off hash) or an exported period's zip (its SHA-256). */
export function evidencePushes(hash: string, config: CompliancePlatformsConfig | undefined): PlannedPush[] {
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

/**
 * A finished evidence export, by reference: the zip is too big for the queue item (400 KB) or an asynchronous invoke
 * (1 MB), so the pusher reads it from the exports bucket and holds it to this SHA-256 (and to the export's record).
 */
export interface ExportReference {
  readonly kind: 'evidence-export';
  readonly id: string;
  readonly zipKey: string;
  readonly zipSha256: string;
}

/** Which subject a push belongs to (its trail records it; the retry queue names it). */
export type PushSubject = { readonly kind: 'drill-run' | 'incident'; readonly id: string } | ExportReference | { readonly kind: 'drill-plans' };
/** A subject that has a trail of its own, where its pushes are recorded. */
export type RecordSubject = Extract<PushSubject, { id: string }>;
export const subjectRef = (subject: PushSubject): string => (subject.kind === 'drill-plans' ? 'drill-plans' : `${subject.kind}#${subject.id}`);

/**
 * What the push function is invoked with: a record after its sign-off (with `retryRejected`, asked by a person once the
 * cause of a 4xx is fixed: its rejected pushes are made again), or nothing (the schedule: retry what is queued, refresh
 * the plans; never a rejected push).
 */
export type PushRequest = { readonly subject: RecordSubject; readonly retryRejected?: true } | { readonly scheduled: true };

const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
export function parsePushRequest(payload: unknown): PushRequest {
  const request = payload as { subject?: { kind?: unknown; id?: unknown; zipKey?: unknown; zipSha256?: unknown }; retryRejected?: unknown } | null;
  const subject = request?.subject;
  if (request?.retryRejected !== undefined && (request.retryRejected !== true || subject === undefined)) throw new TypeError('retryRejected is true, beside the subject whose rejected pushes to make again');
  if (subject === undefined) return { scheduled: true };
  if ((subject.kind === 'incident' || subject.kind === 'drill-run') && typeof subject.id === 'string' && SAFE_ID.test(subject.id)) {
    return { subject: { kind: subject.kind, id: subject.id }, ...(request?.retryRejected === true && { retryRejected: true as const }) };
  }
  if (subject.kind === 'evidence-export') {
    const { id, zipKey, zipSha256 } = subject;
    // The zip of this export and nothing else in the bucket: exports/<id>/<name>.zip.
    if (typeof id === 'string' && EXPORT_ID_PATTERN.test(id) && typeof zipKey === 'string' && new RegExp(`^exports/${id}/[A-Za-z0-9_.-]{1,128}\\.zip$`).test(zipKey) && typeof zipSha256 === 'string' && /^[0-9a-f]{64}$/.test(zipSha256)) {
      return { subject: { kind: 'evidence-export', id, zipKey, zipSha256 }, ...(request?.retryRejected === true && { retryRejected: true as const }) };
    }
    throw new TypeError('an export push names { kind: "evidence-export", id: "ex-…", zipKey: "exports/<id>/<name>.zip", zipSha256: <64 hex> }');
  }
  throw new TypeError('a push names its subject as { kind: "incident" | "drill-run", id } or { kind: "evidence-export", id, zipKey, zipSha256 }');
}

/** When queued pushes are retried and the drill plans' standing refreshed: hourly (EventBridge Scheduler in AWS, the local scheduler here). */
export const COMPLIANCE_PUSH_SCHEDULE = { name: 'irdr-compliance-push', expression: 'cron(20 * * * ? *)', timeZone: 'UTC' } as const;
