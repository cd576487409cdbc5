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
