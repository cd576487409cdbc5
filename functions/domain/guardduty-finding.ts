import * as z from './zod.js';
import type { Severity } from './incident.js';
import { runbookForTypes, type FindingsConfig } from './finding-config.js';
import { clip, eventEnvelope, isoTime, labelValue, type FindingDecision } from './finding-decision.js';
import { guardDutyFindingDetails } from './finding-details.js';
import { sampleDecision } from './finding-trust.js';

/** GuardDuty's own finding events (`aws.guardduty`, `GuardDuty Finding`): schema, rule pattern branch and mapping. */

export const GUARDDUTY_SOURCE = 'aws.guardduty';
export const GUARDDUTY_DETAIL_TYPE = 'GuardDuty Finding';

/** A GuardDuty finding event: the fields the mapping reads (the rest of the finding is kept, unchecked). */
export const GuardDutyFindingEvent = z.object({
  ...eventEnvelope,
  source: z.literal(GUARDDUTY_SOURCE),
  'detail-type': z.literal(GUARDDUTY_DETAIL_TYPE),
  detail: z.looseObject({
    accountId: z.string(),
    region: z.string(),
    id: z.string().check(z.minLength(1)),
    arn: z.optional(z.string()),
    type: z.string(),
    severity: z.number(),
    title: z.string(),
    description: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    resource: z.optional(z.looseObject({ resourceType: z.optional(z.string()) })),
    service: z.optional(z.looseObject({
      eventFirstSeen: z.optional(z.string()),
      count: z.optional(z.number()),
      // CreateSampleFindings marks its findings `additionalInfo: { sample: true }`.
      additionalInfo: z.optional(z.looseObject({ sample: z.optional(z.unknown()) })),
    })),
  }),
});
export type GuardDutyFindingEvent = z.infer<typeof GuardDutyFindingEvent>;

/** The rule's `detail` alternative for GuardDuty: severity filtered numerically, as the code does again. */
export const guardDutyDetailPattern = (config: FindingsConfig) => ({ severity: [{ numeric: ['>=', config.guardDuty.minimumSeverity] }] });

export function severityOfGuardDuty(severity: number, config: FindingsConfig): Severity {
  const { severityFrom } = config.guardDuty;
  if (severity >= severityFrom.SEV1) return 'SEV1';
  if (severity >= severityFrom.SEV2) return 'SEV2';
  if (severity >= severityFrom.SEV3) return 'SEV3';
  return 'SEV4';
}

export function decideGuardDuty(event: GuardDutyFindingEvent, config: FindingsConfig): FindingDecision {
  const finding = event.detail;
  if (finding.severity < config.guardDuty.minimumSeverity) {
    return { outcome: 'ignored', findingId: finding.id, reason: `GuardDuty severity ${finding.severity} is below ${config.guardDuty.minimumSeverity}` };
  }
  const dedupKey = finding.arn ?? `guardduty:${finding.accountId}:${finding.region}:${finding.id}`;
  const sample = finding.service?.additionalInfo?.sample;
  if (sample === true || sample === 'true') {
    return sampleDecision(finding.id, dedupKey, 'a GuardDuty sample finding (service.additionalInfo.sample), made by CreateSampleFindings: nothing happened');
  }
  const runbookId = runbookForTypes([finding.type], config);
  const count = finding.service?.count;
  const details = guardDutyFindingDetails(finding);
  return {
    outcome: 'open',
    finding: {
      ...(details && { details }),
      dedupKey,
      findingId: finding.id,
      updatedAt: finding.updatedAt,
      request: {
        runbookId,
        title: clip(finding.title, 200),
        severity: severityOfGuardDuty(finding.severity, config),
        summary: clip(finding.description?.trim() || finding.title, 4000),
        source: `GuardDuty ${finding.type}`.slice(0, 200),
        detectedAt: isoTime(finding.service?.eventFirstSeen) ?? isoTime(finding.createdAt),
        labels: {
          findingId: labelValue(finding.id),
          ...(finding.arn && { findingArn: labelValue(finding.arn) }),
          findingSource: 'guardduty',
          findingType: labelValue(finding.type),
          findingSeverity: String(finding.severity),
          account: finding.accountId,
          region: finding.region,
          ...(count !== undefined && { findingCount: String(count) }),
        },
        mode: 'live',
      },
    },
  };
}
