import * as z from './zod.js';
import { runbookForTypes, SecurityHubSeverityLabel, type FindingsConfig } from './finding-config.js';
import { clip, eventEnvelope, isoTime, labelValue, type ClosedFindingStatus, type FindingDecision, type MappedFinding } from './finding-decision.js';
import { asffFindingDetails } from './finding-details.js';
import { dedupKeyUnder, sampleDecision, trustOfAsffProduct, underProductTrust } from './finding-trust.js';

/** Security Hub CSPM's ASFF findings (`aws.securityhub`, `Security Hub Findings - Imported`): schema, rule pattern branch and mapping. */

export const SECURITY_HUB_SOURCE = 'aws.securityhub';
export const SECURITY_HUB_DETAIL_TYPE = 'Security Hub Findings - Imported';

/** One ASFF finding: the fields the mapping reads. */
export const AsffFinding = z.looseObject({
  SchemaVersion: z.string(),
  Id: z.string().check(z.minLength(1)),
  ProductArn: z.string(),
  ProductName: z.optional(z.string()),
  AwsAccountId: z.string(),
  Region: z.optional(z.string()),
  Types: z._default(z.array(z.string()), []),
  FirstObservedAt: z.optional(z.string()),
  CreatedAt: z.string(),
  UpdatedAt: z.string(),
  Severity: z.looseObject({ Label: z.optional(SecurityHubSeverityLabel), Normalized: z.optional(z.number()) }),
  Title: z.string(),
  Description: z.string(),
  RecordState: z.optional(z.string()),
  Workflow: z.optional(z.looseObject({ Status: z.optional(z.string()) })),
  /**
   * Deprecated (replaced by Workflow.Status), still sent by some products: NEW, ASSIGNED, IN_PROGRESS, DEFERRED, RESOLVED.
   * Read, never required: a product's odd value here must not make the whole batch unreadable.
   */
  WorkflowState: z.optional(z.unknown()),
  Resources: z.optional(z.array(z.looseObject({ Type: z.string(), Id: z.string() }))),
  /** Whether the finding is a sample finding. */
  Sample: z.optional(z.boolean()),
  ProductFields: z.optional(z.record(z.string(), z.unknown())),
});
export type AsffFinding = z.infer<typeof AsffFinding>;

export const SecurityHubFindingsEvent = z.object({
  ...eventEnvelope,
  source: z.literal(SECURITY_HUB_SOURCE),
  'detail-type': z.literal(SECURITY_HUB_DETAIL_TYPE),
  detail: z.object({ findings: z.array(AsffFinding).check(z.minLength(1)) }),
});
export type SecurityHubFindingsEvent = z.infer<typeof SecurityHubFindingsEvent>;

/** The rule's `detail` alternative for ASFF: the configured labels, active records only, as the code checks again. */
export const asffDetailPattern = (config: FindingsConfig) => ({ findings: { Severity: { Label: [...config.securityHub.labels] }, RecordState: ['ACTIVE'] } });

/** ASFF's label, or the one its Normalized score (0–100) stands for when a product sent no label. */
export function labelOfAsff(severity: AsffFinding['Severity']): SecurityHubSeverityLabel {
  if (severity.Label) return severity.Label;
  const normalized = severity.Normalized ?? 0;
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** Workflow.Status values of a finding someone closed. */
const CLOSED_WORKFLOW_STATUSES: readonly string[] = ['SUPPRESSED', 'RESOLVED'] satisfies ClosedFindingStatus[];
/** The deprecated WorkflowState's closed values: DEFERRED is what Workflow.Status calls SUPPRESSED. */
const CLOSED_WORKFLOW_STATES: Readonly<Record<string, ClosedFindingStatus>> = { DEFERRED: 'SUPPRESSED', RESOLVED: 'RESOLVED' };

/** How the finding was closed, if it was: Workflow.Status, or (only when that is absent) the deprecated WorkflowState. */
export function closedStatusOfAsff(finding: Pick<AsffFinding, 'Workflow' | 'WorkflowState'>): ClosedFindingStatus | undefined {
  const status = finding.Workflow?.Status;
  if (status !== undefined) return CLOSED_WORKFLOW_STATUSES.includes(status) ? (status as ClosedFindingStatus) : undefined;
  const state = finding.WorkflowState;
  return typeof state === 'string' && Object.hasOwn(CLOSED_WORKFLOW_STATES, state) ? CLOSED_WORKFLOW_STATES[state] : undefined;
}

export function decideAsff(finding: AsffFinding, config: FindingsConfig): FindingDecision {
  const label = labelOfAsff(finding.Severity);
  if (!config.securityHub.labels.includes(label)) {
    return { outcome: 'ignored', findingId: finding.Id, reason: `Security Hub severity ${label} is not one of ${config.securityHub.labels.join(', ')}` };
  }
  if (finding.RecordState && finding.RecordState !== 'ACTIVE') {
    return { outcome: 'ignored', findingId: finding.Id, reason: `the finding's RecordState is ${finding.RecordState}` };
  }
  const trust = trustOfAsffProduct(finding.ProductArn, config);
  // Security Hub flattens a GuardDuty sample's service.additionalInfo.sample into ProductFields.
  if (finding.Sample === true || finding.ProductFields?.['aws/guardduty/service/additionalInfo/sample'] === 'true') {
    const dedupKey = dedupKeyUnder(finding.Id, finding.ProductArn, trust);
    return sampleDecision(finding.Id, dedupKey, 'a sample finding (ASFF Sample, or a GuardDuty sample imported into Security Hub): nothing happened');
  }
  const closed = closedStatusOfAsff(finding);
  if (closed) {
    const field = finding.Workflow?.Status !== undefined ? `Workflow.Status ${closed}` : `WorkflowState ${finding.WorkflowState} (deprecated; Workflow.Status ${closed})`;
    return {
      outcome: 'closed',
      findingId: finding.Id,
      dedupKey: dedupKeyUnder(finding.Id, finding.ProductArn, trust),
      status: closed,
      reason: `the finding was closed in Security Hub (${field}): a closed finding opens no incident`,
      title: clip(finding.Title, 200),
      updatedAt: finding.UpdatedAt,
    };
  }
  const runbookId = runbookForTypes(finding.Types, config);
  const product = finding.ProductName ?? finding.ProductArn.split('/').slice(-1)[0] ?? 'Security Hub';
  const resource = finding.Resources?.[0];
  const details = asffFindingDetails(finding);
  const mapped: MappedFinding = {
    ...(details && { details }),
    dedupKey: finding.Id,
    findingId: finding.Id,
    updatedAt: finding.UpdatedAt,
    request: {
      runbookId,
      title: clip(finding.Title, 200),
      severity: config.securityHub.severityOf[label] ?? 'SEV4',
      summary: clip(finding.Description.trim() || finding.Title, 4000),
      source: clip(`Security Hub (${product})`, 200),
      detectedAt: isoTime(finding.FirstObservedAt) ?? isoTime(finding.CreatedAt),
      labels: {
        findingId: labelValue(finding.Id),
        findingSource: 'securityhub',
        findingProduct: labelValue(finding.ProductArn),
        ...(finding.Types[0] && { findingType: labelValue(finding.Types[0]) }),
        findingSeverity: label,
        account: finding.AwsAccountId,
        ...(finding.Region && { region: finding.Region }),
        ...(resource && { resource: labelValue(resource.Id) }),
      },
      mode: 'live',
    },
  };
  return { outcome: 'open', finding: underProductTrust(mapped, finding.ProductArn, trust) };
}
