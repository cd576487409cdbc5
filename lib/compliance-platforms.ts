import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { COMPLIANCE_PUSH_SCHEDULE } from '../functions/domain/compliance-platform/push-plan.js';
import { InvokeExactFunction, schedulerRole } from './drill-schedules.js';
import { acknowledgeNist } from './nag.js';

export interface CompliancePlatformsProps {
  /** The push function: the schedule invokes it hourly. */
  readonly pusher: IFunction;
}

/**
 * What pushing evidence to Vanta and Drata needs beyond the push function: the credentials secret (its JSON shape in
 * docs/compliance-platforms.md, put there by an operator), its key, and the hourly retry schedule.
 */
export class CompliancePlatforms extends Construct {
  public readonly credentials: Secret;
  public readonly credentialsKey: Key;
  public readonly schedule: Schedule;
  /** Where the hourly invocations Scheduler could not deliver go (lib/alarms.ts alarms on it). */
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CompliancePlatformsProps) {
    super(scope, id);
    this.credentialsKey = new Key(this, 'CredentialsKey', {
      description: 'Encrypts the irdr compliance platforms credentials secret',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.credentials = new Secret(this, 'Credentials', {
      description: 'irdr: Vanta OAuth clients and Drata API key (JSON, docs/compliance-platforms.md); set by an operator',
      encryptionKey: this.credentialsKey,
    });
    const whyNoRotation = 'The values are issued by Vanta and Drata (client secrets, API key): they are rotated in those consoles and pasted here, which no rotation Lambda can do.';
    Validations.of(this.credentials).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: whyNoRotation });
    acknowledgeNist(this.credentials, 'SecretsManagerRotationEnabled', whyNoRotation);

    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.deadLetterQueue = deadLetterQueue;
    Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the hourly compliance push schedule: it has no dead-letter queue of its own.' });
    this.schedule = new Schedule(this, 'Hourly', {
      description: 'irdr: retries queued compliance pushes and refreshes the drill plans in Vanta',
      schedule: ScheduleExpression.expression(COMPLIANCE_PUSH_SCHEDULE.expression, TimeZone.of(COMPLIANCE_PUSH_SCHEDULE.timeZone)),
      target: new InvokeExactFunction(props.pusher, {
        role: schedulerRole(this, 'SchedulerRole', 'Retries the irdr compliance pushes'),
        input: ScheduleTargetInput.fromText('{}'),
        deadLetterQueue,
        retryAttempts: 0,
        maxEventAge: Duration.hours(1),
      }),
    });
  }

  /** GetSecretValue on the credentials secret, and its key's Decrypt only through Secrets Manager. */
  public grantReadCredentials(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.credentials.secretArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.credentialsKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } } }),
    );
  }
}
