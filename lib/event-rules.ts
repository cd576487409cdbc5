import { Duration } from 'aws-cdk-lib';
import { Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IrdrConfig } from '../functions/domain/config-schema.js';
import { eventRuleDefinition } from '../functions/event-rules.js';
import type { EventRuleName, FunctionName, FunctionSpec } from '../functions/registry.js';
import type { IrdrFunctions } from './functions.js';
import { stateMachineArnPrefix } from './runbook-state-machines.js';

export interface IrdrEventRulesProps {
  /** Every function; a rule is made for each name in an entry's `eventRules`, targeting that function only. */
  readonly specs: readonly FunctionSpec[];
  readonly functions: IrdrFunctions;
  /** The configuration the rules' patterns read (e.g. the findings' severity thresholds). */
  readonly config: IrdrConfig;
  /**
   * How often EventBridge retries a failed delivery before it dead-letters the event.
   * @default 8
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event.
   * @default Duration.hours(2)
   */
  readonly maxEventAge?: Duration;
}

/** The default event bus rules the registry names, each with its Lambda target, retry policy and dead-letter queue. */
export class IrdrEventRules extends Construct {
  public readonly rules: ReadonlyMap<EventRuleName, Rule>;
  /** Events a rule could not deliver after its retries, kept 14 days for someone to look at. */
  public readonly deadLetterQueues: ReadonlyMap<EventRuleName, Queue>;

  constructor(scope: Construct, id: string, props: IrdrEventRulesProps) {
    super(scope, id);
    const rules = new Map<EventRuleName, Rule>();
    const queues = new Map<EventRuleName, Queue>();
    for (const spec of props.specs) {
      for (const name of spec.eventRules ?? []) {
        if (rules.has(name)) throw new Error(`event rule ${name} is named by more than one function in functions/registry.ts`);
        const definition = eventRuleDefinition(name, props.config, { stateMachineArnPrefix: stateMachineArnPrefix(Stack.of(this)) });
        const ruleScope = new Construct(this, name);
        const deadLetterQueue = new Queue(ruleScope, 'DeadLetterQueue', {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        Validations.of(deadLetterQueue).acknowledge({
          id: 'AwsSolutions::AwsSolutions-SQS3',
          reason: 'This queue is the dead-letter queue of an EventBridge rule target: it has no dead-letter queue of its own.',
        });
        const rule = new Rule(ruleScope, 'Rule', {
          description: definition.description,
          eventPattern: definition.eventPattern as EventPattern,
        });
        rule.addTarget(
          new LambdaFunction(props.functions.get(spec.name as FunctionName), {
            deadLetterQueue,
            retryAttempts: props.retryAttempts ?? 8,
            maxEventAge: props.maxEventAge ?? Duration.hours(2),
          }),
        );
        rules.set(name, rule);
        queues.set(name, deadLetterQueue);
      }
    }
    this.rules = rules;
    this.deadLetterQueues = queues;
  }
}
