import { RemovalPolicy } from 'aws-cdk-lib';
import { AccountRootPrincipal, AnyPrincipal, ArnPrincipal, Effect, PolicyDocument, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EvidenceSigningKeyProps {
  /** What the key signs, shown in KMS. @default 'irdr: signs evidence export manifests (Ed25519)' */
  readonly description?: string;
  /** @default RemovalPolicy.RETAIN: what the key signed stays checkable against its public key. */
  readonly removalPolicy?: RemovalPolicy;
}

/** What the key's one signer may do with it: sign, and read the public half it publishes beside the signature. */
const SIGNER_ACTIONS = ['kms:Sign', 'kms:GetPublicKey'];

/**
 * An Ed25519 key (KMS, ECC_NIST_EDWARDS25519) whose signature means "this one function signed it": the private key
 * never leaves KMS, each signature is a CloudTrail event, and auditors pin its public key (aws kms get-public-key).
 * Asymmetric KMS keys cannot rotate automatically; a new key is a new fingerprint to hand the auditors.
 *
 * The key policy is written here, not CDK's default (the account root `kms:*`, which lets any principal with an IAM
 * `kms:Sign` grant sign): the account keeps every administrative action but Sign (so the key is never unmanageable,
 * which CloudFormation would refuse), {@link allowOnlySigner} names the one role allowed to sign, and an explicit
 * Deny refuses `kms:Sign` to every other principal, administrators and the root user included. Whoever can
 * PutKeyPolicy can still rewrite that; it is a CloudTrail event to alarm on (docs/caller-trust.md).
 *
 * One key per signer: e.g. the export manifests' key signed by the export function, a second key for the evidence
 * digests signed by the digest writer, each its own `EvidenceSigningKey` with its own `allowOnlySigner(role)`.
 */
export class EvidenceSigningKey extends Construct {
  readonly key: Key;
  private signer: IRole | undefined;

  constructor(scope: Construct, id: string, props: EvidenceSigningKeyProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: props.description ?? 'irdr: signs evidence export manifests (Ed25519)',
      keySpec: KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // Given, so CDK adds no default statement: the root gets key administration, never Sign.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersButNeverSigns',
            principals: [new AccountRootPrincipal()],
            notActions: ['kms:Sign'],
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /**
   * Makes `role` the only principal that may sign with the key (and read its public key): an Allow to that role
   * and a Deny of `kms:Sign` to every principal whose ARN is not the role's. Call it once; a key has one signer.
   */
  allowOnlySigner(role: IRole): void {
    if (this.signer) throw new Error(`${this.node.path} already has its signer (${this.signer.node.path}); a signing key has exactly one`);
    this.signer = role;
    this.key.addToResourcePolicy(
      new PolicyStatement({ sid: 'OnlySignerSigns', principals: [new ArnPrincipal(role.roleArn)], actions: SIGNER_ACTIONS, resources: ['*'] }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'NoOneElseSigns',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        // aws:PrincipalArn is the role's ARN for every session of it (not the assumed-role session ARN).
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
    // The identity side too, so the grant reads in the role's own policy as well as in the key's.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: SIGNER_ACTIONS, resources: [this.key.keyArn] }));
  }
}
