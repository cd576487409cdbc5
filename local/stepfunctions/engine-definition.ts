import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition } from './definition.js';

/** Resource of the Task that stands in for a Wait state: its override sleeps the (scaled) wait. */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/** Resource of the Task that stands in for a Pass state with a falsy `Result` (the engine ignores those). */
export const LOCAL_PASS_RESOURCE = 'arn:aws:states:::local:pass';
/**
 * Context key holding the execution's `$$.Execution` object. The engine overwrites `Execution.Input`
 * and `Execution.StartTime` in every Parallel branch and Map iteration, so paths are pointed here instead.
 */
export const ROOT_EXECUTION_CONTEXT_KEY = 'LocalRootExecution';
/**
 * The engine fails every Task after 60 s unless it has a TimeoutSeconds (AWS has no default). Timeouts are
 * enforced by the task overrides, so the engine gets the longest its timer can hold (2^31-1 ms, ~24.8 days).
 */
export const ENGINE_TASK_TIMEOUT_SECONDS = 2_147_483;

type MutableState = Record<string, unknown>;
type MutableMachine = { States: Record<string, MutableState>; [field: string]: unknown };

/**
 * The definition the engine runs: the same states, with the gaps between the engine and AWS closed here,
 * never in the workflow source. History and the API keep reporting the original definition.
 * - Wait states (and falsy-Result Pass states) become Tasks with local resources, so waits scale and abort;
 * - Task timeouts and heartbeats are taken out (the overrides enforce them, scaled);
 * - the execution TimeoutSeconds is taken out (the execution runner enforces it, scaled);
 * - Retry intervals are scaled;
 * - `$$.Execution` paths read the root execution's context.
 */
export function toEngineDefinition(definition: AslDefinition, timeScale: number): StateMachineDefinition {
  const machine = structuredClone(definition) as unknown as MutableMachine;
  delete machine['TimeoutSeconds'];
  adaptMachine(machine, timeScale);
  return machine as unknown as StateMachineDefinition;
}

function adaptMachine(machine: MutableMachine, timeScale: number): void {
  for (const [name, state] of Object.entries(machine.States)) {
    machine.States[name] = adaptState(state, timeScale);
  }
}

function adaptState(state: MutableState, timeScale: number): MutableState {
  rewriteContextPaths(state);
  scaleRetries(state, timeScale);
  for (const nested of [...((state['Branches'] as MutableMachine[] | undefined) ?? []), state['ItemProcessor'], state['Iterator']]) {
    if (nested) adaptMachine(nested as MutableMachine, timeScale);
  }
  switch (state['Type']) {
    case 'Task':
      for (const field of ['TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath']) delete state[field];
      return { ...state, TimeoutSeconds: ENGINE_TASK_TIMEOUT_SECONDS };
    case 'Wait':
      return localTask(state, LOCAL_WAIT_RESOURCE, ['InputPath', 'OutputPath']);
    case 'Pass':
      return 'Result' in state && !state['Result'] ? localTask(state, LOCAL_PASS_RESOURCE, ['InputPath', 'Parameters', 'ResultPath', 'OutputPath']) : state;
    default:
      return state;
  }
}

function localTask(state: MutableState, resource: string, keptFields: string[]): MutableState {
  const task: MutableState = { Type: 'Task', Resource: resource, TimeoutSeconds: ENGINE_TASK_TIMEOUT_SECONDS };
  for (const field of [...keptFields, 'Next', 'End', 'Comment']) {
    if (field in state) task[field] = state[field];
  }
  return task;
}

function scaleRetries(state: MutableState, timeScale: number): void {
  const retriers = state['Retry'] as MutableState[] | undefined;
  if (!retriers || timeScale === 1) return;
  state['Retry'] = retriers.map((retrier) => ({
    ...retrier,
    IntervalSeconds: ((retrier['IntervalSeconds'] as number | undefined) ?? 1) / timeScale,
    ...(typeof retrier['MaxDelaySeconds'] === 'number' ? { MaxDelaySeconds: retrier['MaxDelaySeconds'] / timeScale } : {}),
  }));
}

const EXECUTION_PATH = /\$\$\.Execution(?![A-Za-z0-9_])/g;
const PATH_FIELDS = ['InputPath', 'OutputPath', 'ItemsPath', 'ErrorPath', 'CausePath', 'MaxConcurrencyPath'];
const TEMPLATE_FIELDS = ['Parameters', 'ItemSelector', 'ResultSelector'];

function toRootExecution(expression: string): string {
  return expression.replace(EXECUTION_PATH, `$$$$.${ROOT_EXECUTION_CONTEXT_KEY}`);
}

function rewriteContextPaths(state: MutableState): void {
  for (const field of PATH_FIELDS) {
    if (typeof state[field] === 'string') state[field] = toRootExecution(state[field]);
  }
  for (const field of TEMPLATE_FIELDS) {
    if (field in state) state[field] = rewriteTemplate(state[field]);
  }
  if (Array.isArray(state['Choices'])) state['Choices'] = state['Choices'].map(rewriteChoiceRule);
}

function rewriteTemplate(template: unknown): unknown {
  if (Array.isArray(template)) return template.map(rewriteTemplate);
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [key, key.endsWith('.$') && typeof value === 'string' ? toRootExecution(value) : rewriteTemplate(value)]),
  );
}

function rewriteChoiceRule(rule: unknown): unknown {
  if (rule === null || typeof rule !== 'object') return rule;
  return Object.fromEntries(
    Object.entries(rule).map(([key, value]) => {
      if ((key === 'Variable' || key.endsWith('Path')) && typeof value === 'string') return [key, toRootExecution(value)];
      if (key === 'And' || key === 'Or') return [key, (value as unknown[]).map(rewriteChoiceRule)];
      if (key === 'Not') return [key, rewriteChoiceRule(value)];
      return [key, value];
    }),
  );
}
