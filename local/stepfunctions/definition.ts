import { validateAslText } from './asl-validation.js';
import { SfnError } from './errors.js';

export type AslStateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxDelaySeconds?: number;
  readonly [field: string]: unknown;
}

/** One state of an Amazon States Language (JSONPath) definition; the fields this service reads are typed. */
export interface AslState {
  readonly Type: AslStateType;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number;
  readonly HeartbeatSecondsPath?: string;
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
  readonly InputPath?: string | null;
  readonly ItemsPath?: string;
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
  readonly Retry?: readonly AslRetrier[];
  readonly Branches?: readonly AslDefinition[];
  readonly Iterator?: AslDefinition;
  readonly ItemProcessor?: AslDefinition;
  readonly [field: string]: unknown;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
  readonly [field: string]: unknown;
}

/** A state found anywhere in a definition, with the Parallel/Map states it is nested in (outermost first). */
export interface LocatedState {
  readonly name: string;
  readonly state: AslState;
  readonly enclosing: readonly string[];
}

/** The state machines nested in a Parallel (`Branches`) or Map (`ItemProcessor` / `Iterator`) state. */
export function nestedDefinitions(state: AslState): readonly AslDefinition[] {
  if (state.Type === 'Parallel') return state.Branches ?? [];
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return processor ? [processor] : [];
  }
  return [];
}

/** Every state of `definition`, including those in Parallel branches and Map item processors. */
export function listStates(definition: AslDefinition): LocatedState[] {
  const found: LocatedState[] = [];
  const visit = (machine: AslDefinition, enclosing: readonly string[]): void => {
    for (const [name, state] of Object.entries(machine.States)) {
      found.push({ name, state, enclosing });
      for (const nested of nestedDefinitions(state)) visit(nested, [...enclosing, name]);
    }
  };
  visit(definition, []);
  return found;
}

/** Every Task and Wait state of a definition (recursively through Parallel and Map), e.g. to build per-state overrides. */
export function listTaskAndWaitStates(definition: AslDefinition | string): { name: string; type: 'Task' | 'Wait' }[] {
  const parsed: AslDefinition = typeof definition === 'string' ? (JSON.parse(definition) as AslDefinition) : definition;
  return listStates(parsed)
    .filter(({ state }) => state.Type === 'Task' || state.Type === 'Wait')
    .map(({ name, state }) => ({ name, type: state.Type as 'Task' | 'Wait' }));
}

/** State names are unique across a whole definition (asl-validator checks it), so a name identifies a state. */
export type StateIndex = ReadonlyMap<string, LocatedState>;

export function indexStates(definition: AslDefinition): StateIndex {
  return new Map(listStates(definition).map((located) => [located.name, located]));
}


/** Parses and validates ASL text as CreateStateMachine does; throws InvalidDefinition saying what to fix. */
export function parseDefinition(text: string): AslDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(error as Error).message}'`);
  }
  const result = validateAslText(text, parsed);
  if (!result.isValid) {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${result.errorsText('; ')}'`);
  }
  const definition = parsed as AslDefinition;
  assertRunnableLocally(definition);
  return definition;
}

/** Features AWS accepts but the local engine cannot run: refuse them at creation rather than mid-execution. */
function assertRunnableLocally(definition: AslDefinition): void {
  const refuse = (what: string): never => {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${what} is not supported by the local Step Functions engine (aws-local-stepfunctions); use JSONPath without it'`);
  };
  if (definition['QueryLanguage'] === 'JSONata') refuse('QueryLanguage JSONata');
  for (const { name, state } of listStates(definition)) {
    if (state['QueryLanguage'] === 'JSONata') refuse(`QueryLanguage JSONata (state '${name}')`);
    if ('Assign' in state) refuse(`Assign (state '${name}')`);
    if (state.Type === 'Map') {
      const processorConfig = (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig;
      if (processorConfig?.Mode === 'DISTRIBUTED' || 'ItemReader' in state || 'ResultWriter' in state) refuse(`Distributed Map (state '${name}')`);
    }
  }
}
