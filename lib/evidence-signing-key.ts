import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EvidenceSigningKeyProps {
  /** @default RemovalPolicy.RETAIN: exports signed by the key stay checkable against its public key. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Ed25519 key (KMS, ECC_NIST_EDWARDS25519) that signs the manifests GET /evidence serves: the private key never
 * leaves KMS, each signature is a CloudTrail event, and auditors pin its public key (aws kms get-public-key).
 * Asymmetric KMS keys cannot rotate automatically; a new key is a new fingerprint to hand the auditors.
 */
export class EvidenceSigningKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EvidenceSigningKeyProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'irdr: signs evidence export manifests (Ed25519)',
      keySpec: KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** Sign with the key and read its public half; nothing else (no Verify, no key management). */
  grantSign(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [this.key.keyArn] }));
  }
}
