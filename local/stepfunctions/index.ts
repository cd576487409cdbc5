export { LocalStepFunctions, type CreateStateMachineRequest, type LocalStepFunctionsOptions } from './service.js';
export type { InvokeLambda } from './task-handlers.js';
export { listTaskAndWaitStates, type AslDefinition, type AslState } from './definition.js';
export { SfnError, type SfnErrorCode } from './errors.js';
