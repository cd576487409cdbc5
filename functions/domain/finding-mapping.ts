import { z } from 'zod';
import { Severity, type CreateIncidentRequest } from './incident.js';

/**
 * Security findings that open incidents: GuardDuty findings and Security Hub (ASFF) findings, as
 * EventBridge delivers them. Pure: the configuration, the one event pattern CDK deploys and the
 * local bus matches, the event schemas, and the mapping of a finding to an incident request.
 */

export const GUARDDUTY_SOURCE = 'aws.guardduty';
export const GUARDDUTY_DETAIL_TYPE = 'GuardDuty Finding';
export const SECURITY_HUB_SOURCE = 'aws.securityhub';
export const SECURITY_HUB_DETAIL_TYPE = 'Security Hub Findings - Imported';

export const SecurityHubSeverityLabel = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export type SecurityHubSeverityLabel = z.infer<typeof SecurityHubSeverityLabel>;

/** A finding type glob: `*` matches any run of characters, e.g. `UnauthorizedAccess:IAMUser/*`. */
const TypePattern = z.string().min(1).max(256);

/** The `findings` section of config/irdr.config.json. */
export const FindingsConfig = z
  .object({
    guardDuty: z.object({
      /** GuardDuty severity (0.1–10; High is 7.0–8.9, Critical 9.0–10) from which a finding opens an incident. */
      minimumSeverity: z.number().min(0).max(10),
      /** The lowest GuardDuty severity of each incident severity; below SEV3's, SEV4. */
      severityFrom: z.object({ SEV1: z.number().min(0).max(10), SEV2: z.number().min(0).max(10), SEV3: z.number().min(0).max(10) }),
    }),
    securityHub: z.object({
      /** ASFF `Severity.Label`s that open an incident. */
      labels: z.array(SecurityHubSeverityLabel).min(1),
      /** The incident severity of each label. */
      severityOf: z.record(SecurityHubSeverityLabel, Severity),
    }),
    /** First match wins: a finding whose type (GuardDuty `type`, any ASFF `Types` entry) matches a pattern opens that runbook. */
    runbooks: z.array(z.object({ types: z.array(TypePattern).min(1), runbookId: z.string().min(1) })),
    /** The runbook of a finding no pattern matches. */
    defaultRunbookId: z.string().min(1),
  })
  .refine(
    ({ guardDuty: { severityFrom } }) => severityFrom.SEV1 >= severityFrom.SEV2 && severityFrom.SEV2 >= severityFrom.SEV3,
    { message: 'findings.guardDuty.severityFrom must not increase from SEV1 to SEV3 (e.g. SEV1: 9, SEV2: 7, SEV3: 4)', path: ['guardDuty', 'severityFrom'] },
  );
export type FindingsConfig = z.infer<typeof FindingsConfig>;

/** What a configuration without a `findings` section gets: GuardDuty High and Critical, Security Hub HIGH and CRITICAL. */
export const defaultFindingsConfig: FindingsConfig = {
  guardDuty: { minimumSeverity: 7, severityFrom: { SEV1: 9, SEV2: 7, SEV3: 4 } },
  securityHub: { labels: ['CRITICAL', 'HIGH'], severityOf: { CRITICAL: 'SEV1', HIGH: 'SEV2', MEDIUM: 'SEV3', LOW: 'SEV4', INFORMATIONAL: 'SEV4' } },
  runbooks: [
    { types: ['UnauthorizedAccess:IAMUser/*', 'CredentialAccess:IAMUser/*'], runbookId: 'credential-compromise' },
    { types: ['Impact:*', '*Ransomware*'], runbookId: 'ransomware' },
  ],
  defaultRunbookId: 'security-incident',
};

/** The runbook ids the configuration names, to check against the deployed runbooks. */
export const runbookIdsOf = (config: FindingsConfig): string[] => [...new Set([...config.runbooks.map((rule) => rule.runbookId), config.defaultRunbookId])];

/**
 * The EventBridge event pattern of the findings rule: defined once, deployed by CDK and matched by the
 * local bus. Severity is filtered here already (numeric matching on GuardDuty's), and again in code.
 */
export function securityFindingsEventPattern(config: FindingsConfig) {
  return {
    source: [GUARDDUTY_SOURCE, SECURITY_HUB_SOURCE],
    'detail-type': [GUARDDUTY_DETAIL_TYPE, SECURITY_HUB_DETAIL_TYPE],
    detail: {
      $or: [
        { severity: [{ numeric: ['>=', config.guardDuty.minimumSeverity] }] },
        { findings: { Severity: { Label: [...config.securityHub.labels] }, RecordState: ['ACTIVE'] } },
      ],
    },
  };
}

const eventEnvelope = {
  version: z.string(),
  id: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
};

/** A GuardDuty finding event: the fields the mapping reads (the rest of the finding is kept, unchecked). */
export const GuardDutyFindingEvent = z.object({
  ...eventEnvelope,
  source: z.literal(GUARDDUTY_SOURCE),
  'detail-type': z.literal(GUARDDUTY_DETAIL_TYPE),
  detail: z.looseObject({
    accountId: z.string(),
    region: z.string(),
    id: z.string().min(1),
    arn: z.string().optional(),
    type: z.string(),
    severity: z.number(),
    title: z.string(),
    description: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resource: z.looseObject({ resourceType: z.string().optional() }).optional(),
    service: z.looseObject({ eventFirstSeen: z.string().optional(), count: z.number().optional() }).optional(),
  }),
});
export type GuardDutyFindingEvent = z.infer<typeof GuardDutyFindingEvent>;

/** One ASFF finding: the fields the mapping reads. */
export const AsffFinding = z.looseObject({
  SchemaVersion: z.string(),
  Id: z.string().min(1),
  ProductArn: z.string(),
  ProductName: z.string().optional(),
  AwsAccountId: z.string(),
  Region: z.string().optional(),
  Types: z.array(z.string()).default([]),
  FirstObservedAt: z.string().optional(),
  CreatedAt: z.string(),
  UpdatedAt: z.string(),
  Severity: z.looseObject({ Label: SecurityHubSeverityLabel.optional(), Normalized: z.number().optional() }),
  Title: z.string(),
  Description: z.string(),
  RecordState: z.string().optional(),
  Workflow: z.looseObject({ Status: z.string().optional() }).optional(),
  Resources: z.array(z.looseObject({ Type: z.string(), Id: z.string() })).optional(),
});
export type AsffFinding = z.infer<typeof AsffFinding>;

export const SecurityHubFindingsEvent = z.object({
  ...eventEnvelope,
  source: z.literal(SECURITY_HUB_SOURCE),
  'detail-type': z.literal(SECURITY_HUB_DETAIL_TYPE),
  detail: z.object({ findings: z.array(AsffFinding).min(1) }),
});
export type SecurityHubFindingsEvent = z.infer<typeof SecurityHubFindingsEvent>;

export const SecurityFindingEvent = z.discriminatedUnion('source', [GuardDutyFindingEvent, SecurityHubFindingsEvent]);
export type SecurityFindingEvent = z.infer<typeof SecurityFindingEvent>;

/** A finding, whichever service reported it, as the incident will know it. */
export interface MappedFinding {
  /**
   * What deduplicates it: the finding's ARN where it has one. GuardDuty's own event carries it as `arn`,
   * and Security Hub uses it as the `Id` of the GuardDuty findings it imports, so one finding seen
   * through both services opens one incident.
   */
  readonly dedupKey: string;
  readonly findingId: string;
  readonly updatedAt: string;
  readonly request: CreateIncidentRequest;
}

export type FindingDecision =
  | { readonly outcome: 'open'; readonly finding: MappedFinding }
  | { readonly outcome: 'ignored'; readonly findingId: string; readonly reason: string };

const globCache = new Map<string, RegExp>();
function globMatches(value: string, pattern: string): boolean {
  let regex = globCache.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split('*').map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    globCache.set(pattern, regex);
  }
  return regex.test(value);
}

/** The runbook of a finding with these types: the first rule any type matches, else the default. */
export function runbookForTypes(types: readonly string[], config: FindingsConfig): string {
  const rule = config.runbooks.find(({ types: patterns }) => patterns.some((pattern) => types.some((type) => globMatches(type, pattern))));
  return rule?.runbookId ?? config.defaultRunbookId;
}

export function severityOfGuardDuty(severity: number, config: FindingsConfig): Severity {
  const { severityFrom } = config.guardDuty;
  if (severity >= severityFrom.SEV1) return 'SEV1';
  if (severity >= severityFrom.SEV2) return 'SEV2';
  if (severity >= severityFrom.SEV3) return 'SEV3';
  return 'SEV4';
}

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

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** An ISO time with an offset, as the incident schema wants, or nothing. */
const isoTime = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
};
const labelValue = (value: string): string => clip(value, 256);

/** Decides what each finding of an event does: open an incident (mapped), or nothing (below the threshold, archived). */
export function decideFindings(event: SecurityFindingEvent, config: FindingsConfig): FindingDecision[] {
  if (event.source === GUARDDUTY_SOURCE) return [decideGuardDuty(event, config)];
  return event.detail.findings.map((finding) => decideAsff(finding, config));
}

function decideGuardDuty(event: GuardDutyFindingEvent, config: FindingsConfig): FindingDecision {
  const finding = event.detail;
  if (finding.severity < config.guardDuty.minimumSeverity) {
    return { outcome: 'ignored', findingId: finding.id, reason: `GuardDuty severity ${finding.severity} is below ${config.guardDuty.minimumSeverity}` };
  }
  const runbookId = runbookForTypes([finding.type], config);
  const count = finding.service?.count;
  return {
    outcome: 'open',
    finding: {
      dedupKey: finding.arn ?? `guardduty:${finding.accountId}:${finding.region}:${finding.id}`,
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

function decideAsff(finding: AsffFinding, config: FindingsConfig): FindingDecision {
  const label = labelOfAsff(finding.Severity);
  if (!config.securityHub.labels.includes(label)) {
    return { outcome: 'ignored', findingId: finding.Id, reason: `Security Hub severity ${label} is not one of ${config.securityHub.labels.join(', ')}` };
  }
  if (finding.RecordState && finding.RecordState !== 'ACTIVE') {
    return { outcome: 'ignored', findingId: finding.Id, reason: `the finding's RecordState is ${finding.RecordState}` };
  }
  const runbookId = runbookForTypes(finding.Types, config);
  const product = finding.ProductName ?? finding.ProductArn.split('/').slice(-1)[0] ?? 'Security Hub';
  const resource = finding.Resources?.[0];
  return {
    outcome: 'open',
    finding: {
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
    },
  };
}
