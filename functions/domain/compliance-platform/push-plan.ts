import { createHash } from 'node:crypto';
import type { CompliancePlatformsConfig } from './config.js';
import type { SignedOffRecord } from './evidence-document.js';

/** What is pushed where: the signed report to a Vanta document or Drata's evidence library, the drill plans to Vanta's custom resources. */
export type PushTarget = 'vanta-document' | 'vanta-drill-resources' | 'drata-evidence';

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

/** SHA-256 of target, place and evidence hash: the same evidence to the same place is one push. */
export function pushKey(target: PushTarget, where: string, evidenceHash: string): string {
  return createHash('sha256').update(`${target}\n${where}\n${evidenceHash}`, 'utf8').digest('hex');
}

const planned = (target: PushTarget, where: string, evidenceHash: string): PlannedPush => ({ key: pushKey(target, where, evidenceHash), target, where, evidenceHash });

/** The signed report of a record, to each configured platform; nothing when none is configured. */
export function recordPushes(record: SignedOffRecord, config: CompliancePlatformsConfig | undefined): PlannedPush[] {
  const hash = record.signOffEvent.hash;
  return [
    ...(config?.vanta ? [planned('vanta-document', `vanta document ${config.vanta.documentId}`, hash)] : []),
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
