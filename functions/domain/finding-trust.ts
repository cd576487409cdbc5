import { globMatches, UNTRUSTED_PRODUCT_RUNBOOK_ID, type FindingsConfig } from './finding-config.js';
import { clip, labelValue, type FindingDecision, type MappedFinding } from './finding-decision.js';

/**
 * Whose findings may open a live incident. `aws.*` events come only from AWS, but Security Hub relays findings
 * of any product: any principal with `securityhub:BatchImportFindings` can import one to the account's default
 * product (`arn:aws:securityhub:<region>:<account>:product/<account>/default`) with any severity and type.
 * AWS's own products have no account in their ARN and `aws` as their company (`…::product/aws/guardduty`);
 * BatchImportFindings cannot import to them.
 */

export type ProductTrust = 'aws' | 'allow-listed' | 'untrusted';

/** ASFF `ProductArn` of an AWS service: empty account field, company `aws` (any partition). */
const AWS_ASFF_PRODUCT = /^arn:aws(-[a-z]+)*:securityhub:[a-z0-9-]+::product\/aws\/[A-Za-z0-9._-]+$/;
/** OCSF `metadata.product.uid` of an AWS service: the same shape, `productv2` in the current Security Hub. */
const AWS_OCSF_PRODUCT = /^arn:aws(-[a-z]+)*:securityhub:[a-z0-9-]+::product(v2)?\/aws\/[A-Za-z0-9._-]+$/;

const allowListed = (productArn: string, config: FindingsConfig): boolean => config.trustedProducts.some((pattern) => globMatches(productArn, pattern));

export function trustOfAsffProduct(productArn: string, config: FindingsConfig): ProductTrust {
  if (AWS_ASFF_PRODUCT.test(productArn)) return 'aws';
  return allowListed(productArn, config) ? 'allow-listed' : 'untrusted';
}

/** OCSF: AWS's only when both the product's uid has AWS's shape and its vendor is AWS. */
export function trustOfOcsfProduct(product: { readonly uid?: string | undefined; readonly vendor_name?: string | undefined }, config: FindingsConfig): ProductTrust {
  if (product.uid === undefined) return 'untrusted';
  if (product.vendor_name === 'AWS' && AWS_OCSF_PRODUCT.test(product.uid)) return 'aws';
  return allowListed(product.uid, config) ? 'allow-listed' : 'untrusted';
}

/** The key a finding is claimed (or its sample recorded) under: AWS's bare, any other product's under its product ARN. */
export const dedupKeyUnder = (key: string, productArn: string, trust: ProductTrust): string => (trust === 'aws' ? key : `${productArn}#${key}`);

/**
 * A mapped finding as its product's trust allows. AWS's: unchanged. Any other product's finding is keyed under
 * its product, so it can never claim (and so silence) the key of an AWS finding such as a GuardDuty ARN; one
 * nobody allow-listed opens a SEV4 triage item on the triage runbook, labelled as untrusted, whatever it claims.
 */
export function underProductTrust(finding: MappedFinding, productArn: string, trust: ProductTrust): MappedFinding {
  if (trust === 'aws') return finding;
  const dedupKey = dedupKeyUnder(finding.dedupKey, productArn, trust);
  const labels = { ...finding.request.labels, findingTrust: trust === 'allow-listed' ? 'allow-listed-product' : 'untrusted-product', findingProduct: labelValue(productArn) };
  if (trust === 'allow-listed') return { ...finding, dedupKey, request: { ...finding.request, labels } };
  return {
    ...finding,
    dedupKey,
    request: {
      ...finding.request,
      runbookId: UNTRUSTED_PRODUCT_RUNBOOK_ID,
      severity: 'SEV4',
      title: clip(`Untrusted product finding: ${finding.request.title}`, 200),
      summary: clip(
        `Reported by ${productArn}, a Security Hub product that is neither AWS's nor allow-listed in findings.trustedProducts: ` +
          `anyone allowed to import findings can write such a finding, so it opens this triage item, not a ${finding.request.severity} ` +
          `${finding.request.runbookId} incident. It claimed: ${finding.request.summary}`,
        4000,
      ),
      source: clip(`Security Hub, untrusted product ${productArn}`, 200),
      labels: { ...labels, findingClaimedRunbook: finding.request.runbookId, findingClaimedSeverity: finding.request.severity },
    },
  };
}

/** A sample finding (GuardDuty CreateSampleFindings, ASFF `Sample`): recorded and dropped, never an incident. */
export const sampleDecision = (findingId: string, dedupKey: string, reason: string): FindingDecision => ({ outcome: 'sample', findingId, dedupKey, reason });
