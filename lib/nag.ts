import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag NIST 800-53 rev 5 pack's name, the prefix of its rule ids (NIST80053R5Checks). */
export const NIST_PACK = 'NIST.800.53.R5';

/**
 * Acknowledges one NIST 800-53 rev 5 rule on a construct and everything under it, saying why the rule does not fit
 * there: `rule` is the id without its pack prefix, e.g. `LambdaInsideVPC`.
 */
export function acknowledgeNist(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NIST_PACK}::${NIST_PACK}-${rule}`, reason });
}

/** Why a role keeps its policy inline (IAMNoInlinePolicy); `owner` names what assumes the role. */
export const whyInlinePolicy = (owner: string): string =>
  `The role of ${owner}: its policy is built for this role alone and deleted with it (an AWS::IAM::Policy attached to ` +
  'this role only). IAM recommends inline policies for such a strict one-to-one relationship, so that the permissions ' +
  'cannot be attached to another identity; a customer-managed policy per role would grant nothing narrower.';
