import * as z from './zod.js';
import { Severity } from './incident.js';

/** The `findings` section of config/irdr.config.json: which findings open incidents, how severe, on which runbook. */

export const SecurityHubSeverityLabel = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export type SecurityHubSeverityLabel = z.infer<typeof SecurityHubSeverityLabel>;

/** A finding type glob: `*` matches any run of characters, e.g. `UnauthorizedAccess:IAMUser/*`. */
const TypePattern = z.string().check(z.minLength(1), z.maxLength(256));
/** A Security Hub product ARN (ASFF `ProductArn`, OCSF `metadata.product.uid`); `*` matches any run of characters, e.g. the region. */
const ProductPattern = z.string().check(z.maxLength(512), z.regex(/^arn:[^:]*:securityhub:[^:]*:[^:]*:product/, 'a Security Hub product ARN, e.g. arn:aws:securityhub:*::product/crowdstrike/crowdstrike-falcon'));

export const FindingsConfig = z.object({
  guardDuty: z.object({
    /** GuardDuty severity (0.1–10; High is 7.0–8.9, Critical 9.0–10) from which a finding opens an incident. */
    minimumSeverity: z.number().check(z.gte(0), z.lte(10)),
    /** The lowest GuardDuty severity of each incident severity; below SEV3's, SEV4. */
    severityFrom: z.object({ SEV1: z.number().check(z.gte(0), z.lte(10)), SEV2: z.number().check(z.gte(0), z.lte(10)), SEV3: z.number().check(z.gte(0), z.lte(10)) }),
  }),
  securityHub: z.object({
    /** Security Hub severities that open an incident: ASFF `Severity.Label`, or the OCSF `severity_id` of that name (Fatal as CRITICAL). */
    labels: z.array(SecurityHubSeverityLabel).check(z.minLength(1)),
    /** The incident severity of each label. */
    severityOf: z.record(SecurityHubSeverityLabel, Severity),
  }),
  /** First match wins: a finding whose type (GuardDuty `type`, any ASFF `Types` or OCSF `finding_info.types` entry) matches a pattern opens that runbook. */
  runbooks: z.array(z.object({ types: z.array(TypePattern).check(z.minLength(1)), runbookId: z.string().check(z.minLength(1)) })),
  /** The runbook of a finding no pattern matches. */
  defaultRunbookId: z.string().check(z.minLength(1)),
  /**
   * Security Hub products besides AWS's own whose findings open incidents as AWS's do. A finding from any
   * other product (a partner's, the account's own `product/<account>/default`) opens only a SEV4 triage item.
   */
  trustedProducts: z._default(z.array(ProductPattern), []),
}).check(z.refine(({ guardDuty: { severityFrom } }) => severityFrom.SEV1 >= severityFrom.SEV2 && severityFrom.SEV2 >= severityFrom.SEV3, { message: 'findings.guardDuty.severityFrom must not increase from SEV1 to SEV3 (e.g. SEV1: 9, SEV2: 7, SEV3: 4)', path: ['guardDuty', 'severityFrom'] }));
export type FindingsConfig = z.infer<typeof FindingsConfig>;

/** Finding types that mean data destroyed or encrypted: GuardDuty's (and as Security Hub's ASFF names them) and any product's ransomware. */
export const RANSOMWARE_FINDING_TYPES = [
  'Impact:S3/AnomalousBehavior.Delete',
  'Impact:S3/AnomalousBehavior.Write',
  'TTPs/*/Impact:S3-AnomalousBehavior.Delete',
  'TTPs/*/Impact:S3-AnomalousBehavior.Write',
  '*Ransomware*',
  'Effects/Data Destruction*',
] as const;

/** What a configuration without a `findings` section gets: GuardDuty High and Critical, Security Hub HIGH and CRITICAL. */
export const defaultFindingsConfig: FindingsConfig = {
  guardDuty: { minimumSeverity: 7, severityFrom: { SEV1: 9, SEV2: 7, SEV3: 4 } },
  securityHub: { labels: ['CRITICAL', 'HIGH'], severityOf: { CRITICAL: 'SEV1', HIGH: 'SEV2', MEDIUM: 'SEV3', LOW: 'SEV4', INFORMATIONAL: 'SEV4' } },
  runbooks: [
    { types: ['UnauthorizedAccess:IAMUser/*', 'CredentialAccess:IAMUser/*'], runbookId: 'credential-compromise' },
    // By GuardDuty's documented types: of its Impact:* findings only anomalous S3 deletes and writes (destroying or
    // encrypting data) look like ransomware; Impact:S3/MaliciousIPCaller, port sweeps and crypto-mining do not.
    // A marked copy, not a spread: esbuild keeps a spread at load, and with it this default in every bundle.
    { types: /* @__PURE__ */ Array.from(RANSOMWARE_FINDING_TYPES), runbookId: 'ransomware' },
  ],
  defaultRunbookId: 'security-incident',
  trustedProducts: [],
};

/** The runbook a finding from a product nobody trusts opens, at the lowest severity: triage, never a page. */
export const UNTRUSTED_PRODUCT_RUNBOOK_ID = 'triage-notify';

/** The runbook ids the configuration names (and the untrusted products' triage runbook), to check against the deployed runbooks. */
export const runbookIdsOf = (config: FindingsConfig): string[] => [
  ...new Set([...config.runbooks.map((rule) => rule.runbookId), config.defaultRunbookId, UNTRUSTED_PRODUCT_RUNBOOK_ID]),
];

const globCache = new Map<string, RegExp>();
export function globMatches(value: string, pattern: string): boolean {
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
