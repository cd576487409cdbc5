import { SfnError } from './errors.js';

export interface AccountScope {
  readonly region: string;
  readonly accountId: string;
}

export function stateMachineArn(scope: AccountScope, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;
}

export function executionArn(scope: AccountScope, stateMachineName: string, executionName: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${stateMachineName}:${executionName}`;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;

/** The state machine an execution ARN belongs to; undefined for anything else. */
export function stateMachineArnOfExecution(arn: string): string | undefined {
  if (!EXECUTION_ARN.test(arn)) return undefined;
  return arn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
}

/** Throws InvalidArn, as AWS does, when `arn` is not a state machine ARN. */
export function assertStateMachineArn(arn: string): void {
  if (!STATE_MACHINE_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

/** Throws InvalidArn, as AWS does, when `arn` is not an execution ARN. */
export function assertExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

export function assertRoleArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid role ARN: ${arn}'`);
}

// The characters AWS refuses in state machine and execution names: whitespace, brackets, wildcards,
// `"#%\^|~`$&,;:/` and control characters.
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** Throws InvalidName with the rule that `name` breaks. */
export function assertValidName(name: string, what: 'state machine' | 'execution'): void {
  if (name.length < 1 || name.length > 80) throw new SfnError('InvalidName', `Invalid Name: '${name}' (the ${what} name must be 1 to 80 characters long)`);
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}' (a ${what} name must not contain whitespace, brackets, wildcards or any of "#%\\^|~\`$&,;:/)`);
  }
}
