import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface LogEncryptionKeyProps {
  /**
   * What happens to the key when it leaves the stack.
   * @default RemovalPolicy.RETAIN: the log groups it encrypts are retained, and unreadable without it.
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The customer-managed key every irdr log group is encrypted with (function, state machine and API access logs):
 * who may read the logs is decided by this key's policy and IAM, and each decryption is a CloudTrail event.
 * CloudWatch Logs uses it on the log groups' behalf; no role of the stack is granted it.
 */
export class LogEncryptionKey extends Construct {
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the irdr log groups (functions, state machines, HTTP API access logs)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // What CloudWatch Logs needs on a log group's key ("Encrypt log data in CloudWatch Logs using AWS KMS"), for this
    // account's and region's log groups only: the encryption context names the log group the data belongs to.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptThisAccountsLogGroups',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
