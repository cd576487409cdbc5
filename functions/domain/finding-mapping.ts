import * as z from './zod.js';
import { asffDetailPattern, decideAsff, SECURITY_HUB_DETAIL_TYPE, SECURITY_HUB_SOURCE, SecurityHubFindingsEvent } from './asff-finding.js';
import type { FindingsConfig } from './finding-config.js';
import type { FindingDecision } from './finding-decision.js';
import { decideGuardDuty, GUARDDUTY_DETAIL_TYPE, GUARDDUTY_SOURCE, GuardDutyFindingEvent, guardDutyDetailPattern } from './guardduty-finding.js';
import { decideOcsf, ocsfDetailPattern, SECURITY_HUB_V2_DETAIL_TYPE, SecurityHubFindingsV2Event } from './ocsf-finding.js';

/**
 * Security findings that open incidents: GuardDuty findings and Security Hub findings, ASFF (Security Hub
 * CSPM) or OCSF (Security Hub), as EventBridge delivers them. Pure: the one event pattern CDK deploys and the
 * local bus matches, the event schema of every kind handled, and the decision for each finding; each format's
 * details are in its own module.
 */

export * from './asff-finding.js';
export * from './finding-config.js';
export * from './finding-decision.js';
export * from './guardduty-finding.js';
export * from './ocsf-finding.js';

/**
 * The EventBridge event pattern of the findings rule: defined once, deployed by CDK and matched by the
 * local bus. Severity is filtered here already (numeric matching on GuardDuty's, OCSF's by `severity_id`),
 * and again in code. Each `detail` alternative reads only fields its own format has.
 */
export function securityFindingsEventPattern(config: FindingsConfig) {
  return {
    source: [GUARDDUTY_SOURCE, SECURITY_HUB_SOURCE],
    'detail-type': [GUARDDUTY_DETAIL_TYPE, SECURITY_HUB_DETAIL_TYPE, SECURITY_HUB_V2_DETAIL_TYPE],
    detail: { $or: [guardDutyDetailPattern(config), asffDetailPattern(config), ocsfDetailPattern(config)] },
  };
}

// By detail type: both Security Hub formats come from aws.securityhub.
export const SecurityFindingEvent = z.discriminatedUnion('detail-type', [GuardDutyFindingEvent, SecurityHubFindingsEvent, SecurityHubFindingsV2Event]);
export type SecurityFindingEvent = z.infer<typeof SecurityFindingEvent>;

/** Decides what each finding of an event does: open an incident (mapped), or nothing (below the threshold, archived, closed). */
export function decideFindings(event: SecurityFindingEvent, config: FindingsConfig): FindingDecision[] {
  switch (event['detail-type']) {
    case GUARDDUTY_DETAIL_TYPE:
      return [decideGuardDuty(event, config)];
    case SECURITY_HUB_DETAIL_TYPE:
      return event.detail.findings.map((finding) => decideAsff(finding, config));
    case SECURITY_HUB_V2_DETAIL_TYPE:
      return event.detail.findings.map((finding) => decideOcsf(finding, config, event.time));
  }
}
