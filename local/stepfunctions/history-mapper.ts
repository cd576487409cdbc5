import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { AslStateType, StateIndex } from './definition.js';
import type { EngineEvent, EngineRun } from './engine-hook.js';
import { executionData, type ExecutionHistory } from './history.js';
import { readReferencePath } from './json-path.js';

interface RunInfo {
  /** The state this run is executing (a run executes one state at a time). */
  currentState?: string;
  /** States of this run whose latest attempt failed, so their Exited (after a Catch) is not a success. */
  readonly failedStates: Set<string>;
  /** For a Parallel branch or Map iteration: the state that started it. */
  readonly parentState?: string;
  readonly parentType?: AslStateType;
  /** For a Map iteration: its index. */
  readonly iterationIndex: number;
  /** For a run executing a Map state: the index of the next iteration it starts. */
  nextIterationIndex: number;
}

/**
 * Turns the engine's state and nested-run events into AWS history events, typed by the ORIGINAL
 * definition (a Wait the engine runs as a Task is still a Wait). The execution's own start and end
 * are recorded by the execution runner, task events by the task overrides.
 */
export class HistoryMapper {
  private readonly runs = new WeakMap<EngineRun, RunInfo>();

  constructor(
    private readonly history: ExecutionHistory,
    private readonly states: StateIndex,
  ) {}

  runStarted(run: EngineRun): void {
    const parent = run.parent && this.runs.get(run.parent);
    const parentState = parent?.currentState;
    const parentType = parentState === undefined ? undefined : this.typeOf(parentState);
    const iterationIndex = parent && parentType === 'Map' ? parent.nextIterationIndex++ : 0;
    this.runs.set(run, { failedStates: new Set(), iterationIndex, nextIterationIndex: 0, ...(parentState === undefined ? {} : { parentState, parentType }) });
  }

  map(run: EngineRun, event: EngineEvent): void {
    const info = this.runs.get(run);
    if (!info) return;
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
        return this.mapIteration(info, event.type);
      case 'StateEntered':
        return this.stateEntered(info, event.name, event.input);
      case 'StateFailed':
        return this.stateFailed(info, event.name);
      case 'StateRetried':
        info.failedStates.delete(event.name);
        return;
      case 'StateExited':
        return this.stateExited(info, event.name, event.output);
      case 'StateCaught':
        return;
    }
  }

  private mapIteration(info: RunInfo, type: 'ExecutionStarted' | 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionAborted'): void {
    if (info.parentType !== 'Map') return; // Parallel branches have no events of their own in AWS
    const iterationType = ({ ExecutionStarted: 'MapIterationStarted', ExecutionSucceeded: 'MapIterationSucceeded', ExecutionFailed: 'MapIterationFailed', ExecutionAborted: 'MapIterationAborted' } as const)[type];
    const detailsField = `${iterationType.charAt(0).toLowerCase()}${iterationType.slice(1)}EventDetails`;
    this.history.record(iterationType, detailsField, { name: info.parentState, index: info.iterationIndex });
  }

  private stateEntered(info: RunInfo, name: string, input: unknown): void {
    const type = this.typeOf(name);
    info.currentState = name;
    info.failedStates.delete(name);
    this.history.record(`${type}StateEntered` as HistoryEventType, 'stateEnteredEventDetails', { name, ...executionData('input', input) });
    if (type === 'Parallel') this.history.record('ParallelStateStarted');
    if (type === 'Map') {
      info.nextIterationIndex = 0;
      const length = this.mapLength(name, input);
      this.history.record('MapStateStarted', 'mapStateStartedEventDetails', length === undefined ? {} : { length });
    }
  }

  private stateFailed(info: RunInfo, name: string): void {
    info.failedStates.add(name);
    const type = this.typeOf(name);
    if (type === 'Parallel' || type === 'Map') this.history.record(`${type}StateFailed`);
  }

  private stateExited(info: RunInfo, name: string, output: unknown): void {
    const type = this.typeOf(name);
    const failed = info.failedStates.delete(name);
    if ((type === 'Parallel' || type === 'Map') && !failed) this.history.record(`${type}StateSucceeded`);
    if (type !== 'Fail') this.history.record(`${type}StateExited` as HistoryEventType, 'stateExitedEventDetails', { name, ...executionData('output', output) });
  }

  private typeOf(name: string): AslStateType {
    return this.states.get(name)?.state.Type ?? 'Task';
  }

  /** The number of items a Map state iterates over, read as the engine reads it (InputPath, then ItemsPath). */
  private mapLength(name: string, rawInput: unknown): number | undefined {
    const state = this.states.get(name)?.state;
    if (!state) return undefined;
    try {
      const effective = state.InputPath === null ? {} : readReferencePath(state.InputPath ?? '$', rawInput, undefined);
      const items = readReferencePath(state.ItemsPath ?? '$', effective, undefined);
      return Array.isArray(items) ? items.length : undefined;
    } catch {
      return undefined;
    }
  }
}
