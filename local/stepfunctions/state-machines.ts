import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { assertRoleArn, assertStateMachineArn, assertValidName, stateMachineArn, type AccountScope } from './arns.js';
import { indexStates, parseDefinition, type AslDefinition, type StateIndex } from './definition.js';
import { toEngineDefinition } from './engine-definition.js';
import { SfnError } from './errors.js';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: 'STANDARD';
  /** The definition exactly as it was given (DescribeStateMachine returns it). */
  readonly definitionText: string;
  readonly definition: AslDefinition;
  readonly states: StateIndex;
  /** What the engine runs (see engine-definition.ts). */
  readonly engineDefinition: StateMachineDefinition;
  readonly roleArn: string;
  readonly creationDate: Date;
  readonly tags: readonly Tag[];
}

export interface CreateStateMachineInput {
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly type?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/** The state machines of one account and region, in memory. */
export class StateMachineRegistry {
  private readonly byArn = new Map<string, StateMachineRecord>();

  constructor(
    private readonly scope: AccountScope,
    private readonly timeScale: number,
  ) {}

  /** As CreateStateMachine: the same name and definition again returns the existing one (role and tags differences ignored, as AWS does). */
  create(input: CreateStateMachineInput): StateMachineRecord {
    assertValidName(input.name, 'state machine');
    assertRoleArn(input.roleArn);
    if (input.type !== undefined && input.type !== 'STANDARD') {
      throw new SfnError('StateMachineTypeNotSupported', `State machine type '${input.type}' is not supported locally: use STANDARD`);
    }
    const definition = parseDefinition(input.definition);
    const arn = stateMachineArn(this.scope, input.name);
    const existing = this.byArn.get(arn);
    if (existing) {
      if (existing.definitionText === input.definition) return existing;
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const record: StateMachineRecord = {
      arn,
      name: input.name,
      type: 'STANDARD',
      definitionText: input.definition,
      definition,
      states: indexStates(definition),
      engineDefinition: toEngineDefinition(definition, this.timeScale),
      roleArn: input.roleArn,
      creationDate: new Date(),
      tags: [...(input.tags ?? [])],
    };
    this.byArn.set(arn, record);
    return record;
  }

  get(arn: string): StateMachineRecord {
    assertStateMachineArn(arn);
    const record = this.byArn.get(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  find(arn: string): StateMachineRecord | undefined {
    return this.byArn.get(arn);
  }

  /** Sorted by name, as ListStateMachines returns them. */
  list(): StateMachineRecord[] {
    return [...this.byArn.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
