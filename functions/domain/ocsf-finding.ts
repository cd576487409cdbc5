import * as z from './zod.js';
import { SECURITY_HUB_SOURCE } from './asff-finding.js';
import { runbookForTypes, type FindingsConfig, type SecurityHubSeverityLabel } from './finding-config.js';
import { clip, eventEnvelope, isoTime, labelValue, type ClosedFindingStatus, type FindingDecision, type MappedFinding } from './finding-decision.js';
import { ocsfFindingDetails } from './finding-details.js';
import { dedupKeyUnder, trustOfOcsfProduct, underProductTrust } from './finding-trust.js';

/**
 * Security Hub's OCSF findings (`aws.securityhub`, `Findings Imported V2`, one finding per event): schema,
 * rule pattern branch and mapping. Any OCSF finding class (Detection, Compliance, Vulnerability…) is read
 * through the attributes they share: `finding_info`, `severity_id`, `status_id`, `activity_id`, `cloud`, `metadata`.
 */

export const SECURITY_HUB_V2_DETAIL_TYPE = 'Findings Imported V2';

/** OCSF `severity_id`s, their captions, and the Security Hub label each counts as for `findings.securityHub`. */
const ocsfSeverities = [
  { id: 0, caption: 'Unknown', label: 'INFORMATIONAL' },
  { id: 1, caption: 'Informational', label: 'INFORMATIONAL' },
  { id: 2, caption: 'Low', label: 'LOW' },
  { id: 3, caption: 'Medium', label: 'MEDIUM' },
  { id: 4, caption: 'High', label: 'HIGH' },
  { id: 5, caption: 'Critical', label: 'CRITICAL' },
  // Fatal is OCSF's step above Critical; ASFF has nothing higher than CRITICAL.
  { id: 6, caption: 'Fatal', label: 'CRITICAL' },
  // Other is the product's own scale, which says nothing comparable: treated like Unknown.
  { id: 99, caption: 'Other', label: 'INFORMATIONAL' },
] as const satisfies readonly { id: number; caption: string; label: SecurityHubSeverityLabel }[];

type OcsfSeverityId = (typeof ocsfSeverities)[number]['id'];
const severityIds = ocsfSeverities.map(({ id }) => id) as [OcsfSeverityId, ...OcsfSeverityId[]];

/** `status_id`s of a finding nobody has closed: 1 New, 2 In Progress (not 3 Suppressed, 4 Resolved, 5 Archived…). */
export const OPEN_STATUS_IDS = [1, 2] as const;
/** `status_id`s of a finding someone closed, as ASFF's Workflow.Status calls them: what they close is noted on its incident. */
const CLOSED_STATUSES = { 3: 'SUPPRESSED', 4: 'RESOLVED' } as const satisfies Record<number, ClosedFindingStatus>;
const closedStatusOfOcsf = (statusId: number | undefined): ClosedFindingStatus | undefined =>
  statusId === 3 || statusId === 4 ? CLOSED_STATUSES[statusId] : undefined;
/** `activity_id`s of a live finding: 1 Create, 2 Update; 3 Close is what ASFF's RecordState ARCHIVED was. */
export const ACTIVE_ACTIVITY_IDS = [1, 2] as const;

/** An OCSF timestamp: epoch milliseconds (its `_dt` sibling is the same instant as an ISO string). */
const EpochMillis = z.number().check(z.int(), z.nonnegative(), z.lte(8.64e15));

/** One OCSF finding: the fields the mapping reads (the rest is kept, unchecked). */
export const OcsfFinding = z.looseObject({
  activity_id: z.number().check(z.int()),
  activity_name: z.optional(z.string()),
  class_name: z.optional(z.string()),
  severity_id: z.literal(severityIds, { error: `severity_id must be one of OCSF's ${severityIds.join(', ')}` }),
  severity: z.optional(z.string()),
  status_id: z.optional(z.number().check(z.int())),
  status: z.optional(z.string()),
  time: z.optional(EpochMillis),
  time_dt: z.optional(z.string()),
  finding_info: z.looseObject({
    uid: z.string().check(z.minLength(1)),
    title: z.optional(z.string()),
    desc: z.optional(z.string()),
    types: z._default(z.array(z.string()), []),
    created_time: z.optional(EpochMillis),
    created_time_dt: z.optional(z.string()),
    first_seen_time: z.optional(EpochMillis),
    first_seen_time_dt: z.optional(z.string()),
    modified_time: z.optional(EpochMillis),
    modified_time_dt: z.optional(z.string()),
  }),
  cloud: z.looseObject({ account: z.looseObject({ uid: z.string().check(z.minLength(1)) }), region: z.optional(z.string()) }),
  metadata: z.looseObject({ product: z.looseObject({ name: z.optional(z.string()), uid: z.optional(z.string()), vendor_name: z.optional(z.string()) }) }),
  resources: z.optional(z.array(z.looseObject({ uid: z.optional(z.string()), type: z.optional(z.string()) }))),
});
export type OcsfFinding = z.infer<typeof OcsfFinding>;

export const SecurityHubFindingsV2Event = z.object({
  ...eventEnvelope,
  source: z.literal(SECURITY_HUB_SOURCE),
  'detail-type': z.literal(SECURITY_HUB_V2_DETAIL_TYPE),
  detail: z.object({ findings: z.array(OcsfFinding).check(z.minLength(1)) }),
});
export type SecurityHubFindingsV2Event = z.infer<typeof SecurityHubFindingsV2Event>;

/** The Security Hub label an OCSF severity counts as (Fatal as CRITICAL; Unknown and Other as INFORMATIONAL). */
export const labelOfOcsf = (severityId: OcsfSeverityId): SecurityHubSeverityLabel => ocsfSeverities.find(({ id }) => id === severityId)!.label;

/** The `severity_id`s that count as any of these labels, for the rule pattern. */
export const ocsfSeverityIdsOf = (labels: readonly SecurityHubSeverityLabel[]): number[] =>
  ocsfSeverities.filter(({ label }) => labels.includes(label)).map(({ id }) => id);

/**
 * The rule's `detail` alternative for OCSF: the configured severities of live findings, as the code checks again;
 * open ones, and those just suppressed or resolved (which open nothing, but are noted on the incident they opened).
 */
export const ocsfDetailPattern = (config: FindingsConfig) => ({
  findings: {
    severity_id: ocsfSeverityIdsOf(config.securityHub.labels),
    activity_id: [...ACTIVE_ACTIVITY_IDS],
    status_id: [...OPEN_STATUS_IDS, ...Object.keys(CLOSED_STATUSES).map(Number)],
  },
});

/** An OCSF time as ISO: the epoch milliseconds where given, else the `_dt` string. */
const ocsfTime = (millis: number | undefined, dateTime: string | undefined): string | undefined =>
  millis !== undefined ? new Date(millis).toISOString() : isoTime(dateTime);

const captionOf = (finding: OcsfFinding): string => finding.severity ?? ocsfSeverities.find(({ id }) => id === finding.severity_id)!.caption;

/** `eventTime` (the envelope's) stands in for a finding that carries no time of its own. */
export function decideOcsf(finding: OcsfFinding, config: FindingsConfig, eventTime: string): FindingDecision {
  const info = finding.finding_info;
  const label = labelOfOcsf(finding.severity_id);
  if (!config.securityHub.labels.includes(label)) {
    return {
      outcome: 'ignored',
      findingId: info.uid,
      reason: `Security Hub severity ${captionOf(finding)} (${label}) is not one of ${config.securityHub.labels.join(', ')}`,
    };
  }
  if (!(ACTIVE_ACTIVITY_IDS as readonly number[]).includes(finding.activity_id)) {
    return { outcome: 'ignored', findingId: info.uid, reason: `the finding's activity is ${finding.activity_name ?? finding.activity_id}, not Create or Update` };
  }
  const productUid = finding.metadata.product.uid ?? `${finding.metadata.product.vendor_name ?? 'unknown vendor'}/${finding.metadata.product.name ?? 'Security Hub'}`;
  const trust = trustOfOcsfProduct(finding.metadata.product, config);
  const closed = closedStatusOfOcsf(finding.status_id);
  if (closed) {
    return {
      outcome: 'closed',
      findingId: info.uid,
      dedupKey: dedupKeyUnder(info.uid, productUid, trust),
      status: closed,
      reason: `the finding was closed in Security Hub (status ${finding.status ?? finding.status_id}): a closed finding opens no incident`,
      title: clip(info.title?.trim() || info.types[0] || info.uid, 200),
      updatedAt: ocsfTime(info.modified_time, info.modified_time_dt) ?? ocsfTime(finding.time, finding.time_dt) ?? eventTime,
    };
  }
  if (finding.status_id !== undefined && !(OPEN_STATUS_IDS as readonly number[]).includes(finding.status_id)) {
    return { outcome: 'ignored', findingId: info.uid, reason: `the finding's status is ${finding.status ?? finding.status_id}, not New or In Progress` };
  }
  const runbookId = runbookForTypes(info.types, config);
  const product = finding.metadata.product.name ?? finding.metadata.product.uid?.split('/').slice(-1)[0] ?? 'Security Hub';
  const title = info.title?.trim() || info.types[0] || info.uid;
  const resource = finding.resources?.find((candidate) => candidate.uid);
  const details = ocsfFindingDetails(finding);
  const mapped: MappedFinding = {
    ...(details && { details }),
    // The provider's finding id: for GuardDuty its ARN, the key its own event and its ASFF copy are claimed by too.
    dedupKey: info.uid,
    findingId: info.uid,
    updatedAt: ocsfTime(info.modified_time, info.modified_time_dt) ?? ocsfTime(finding.time, finding.time_dt) ?? eventTime,
    request: {
      runbookId,
      title: clip(title, 200),
      severity: config.securityHub.severityOf[label] ?? 'SEV4',
      summary: clip(info.desc?.trim() || title, 4000),
      source: clip(`Security Hub (${product})`, 200),
      // First seen before created, as ASFF's FirstObservedAt before CreatedAt and GuardDuty's eventFirstSeen.
      detectedAt: ocsfTime(info.first_seen_time, info.first_seen_time_dt) ?? ocsfTime(info.created_time, info.created_time_dt),
      labels: {
        findingId: labelValue(info.uid),
        findingSource: 'securityhub',
        ...(finding.metadata.product.uid && { findingProduct: labelValue(finding.metadata.product.uid) }),
        ...(info.types[0] && { findingType: labelValue(info.types[0]) }),
        findingSeverity: labelValue(captionOf(finding)),
        account: finding.cloud.account.uid,
        ...(finding.cloud.region && { region: finding.cloud.region }),
        ...(resource?.uid && { resource: labelValue(resource.uid) }),
      },
      mode: 'live',
    },
  };
  return { outcome: 'open', finding: underProductTrust(mapped, productUid, trust) };
}
