import type { IrdrConfig } from './domain/config-schema.js';
import { securityFindingsEventPattern } from './domain/finding-mapping.js';
import type { EventRuleName } from './registry.js';

export interface EventRuleDefinition {
  readonly description: string;
  /** The EventBridge event pattern, as CDK deploys it and the local bus matches it. */
  readonly eventPattern: Record<string, unknown>;
}

/** Each EventBridge rule a registry entry may name: its pattern, defined once for lib/ and local/. */
export function eventRuleDefinition(name: EventRuleName, config: IrdrConfig): EventRuleDefinition {
  switch (name) {
    case 'security-findings':
      return {
        description: 'irdr: GuardDuty and Security Hub findings at or above the configured severity open incidents',
        eventPattern: securityFindingsEventPattern(config.findings),
      };
  }
}
