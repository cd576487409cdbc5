import type { IrdrConfig } from './domain/config-schema.js';
import { rdsRestoreEndedPattern } from './domain/drill/rds-restore-event.js';
import { restoreJobEndedPattern } from './domain/drill/restore-job-event.js';
import { executionEndedAbnormallyPattern } from './domain/execution-status-change.js';
import { securityFindingsEventPattern } from './domain/finding-mapping.js';
import type { EventRuleName } from './registry.js';

export interface EventRuleDefinition {
  readonly description: string;
  /** The EventBridge event pattern, as CDK deploys it and the local bus matches it. */
  readonly eventPattern: Record<string, unknown>;
}

/** What a rule's pattern may depend on beyond config: where the stack put things. */
export interface EventRuleDeployment {
  /** The ARN prefix every irdr state machine's name carries (`arn:aws:states:<region>:<account>:stateMachine:<stack>-`). */
  readonly stateMachineArnPrefix: string;
}

/** Each EventBridge rule a registry entry may name: its pattern, defined once for lib/ and local/. */
export function eventRuleDefinition(name: EventRuleName, config: IrdrConfig, deployment: EventRuleDeployment): EventRuleDefinition {
  switch (name) {
    case 'security-findings':
      return {
        description: 'irdr: GuardDuty and Security Hub findings at or above the configured severity open incidents',
        eventPattern: securityFindingsEventPattern(config.findings),
      };
    case 'runs-ended-abnormally':
      return {
        description: 'irdr: a runbook or drill execution that failed, timed out or was stopped outside its own error handling marks its record aborted',
        eventPattern: executionEndedAbnormallyPattern(deployment.stateMachineArnPrefix),
      };
    case 'drill-restore-jobs-ended':
      return {
        description: 'irdr: an AWS Backup restore job ended; a drill waiting on it is woken (it then reads the job itself)',
        eventPattern: restoreJobEndedPattern(),
      };
    case 'drill-databases-restored':
      return {
        description: 'irdr: RDS made, restored or failed a DB instance or cluster; a drill waiting on it is woken (it then describes the database itself)',
        eventPattern: rdsRestoreEndedPattern(),
      };
    case 'restore-testing-jobs-ended':
      return {
        description: 'irdr: an AWS Backup restore job ended; one an irdr restore testing plan started is validated by its drill',
        eventPattern: restoreJobEndedPattern(),
      };
  }
}
