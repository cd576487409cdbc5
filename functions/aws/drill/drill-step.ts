import type { Context } from 'aws-lambda';
import { drillActor, drillStateOf, type DrillExecutionState } from '../../domain/drill/run.js';
import { drillRunPk } from '../../domain/keys.js';
import type { TrailEvent } from '../../domain/trail-event.js';
import { requireEnvironment } from '../environment.js';
import { appendEvent } from '../event-trail.js';
import { logger } from '../powertools.js';

/** Appends an event to the run's hash-chained trail, as the run's execution. */
export function recordDrillEvent(state: DrillExecutionState, type: string, detail: Record<string, unknown>): Promise<TrailEvent> {
  return appendEvent(requireEnvironment('TABLE_NAME'), drillRunPk(state.runId), {
    type,
    at: new Date().toISOString(),
    actor: drillActor(state.executionArn),
    detail,
  });
}

/**
 * The shell of every drill step: reads the state the machine hands over, and if the step throws, records
 * `drill.<step>.failed` with the error before rethrowing it to the state machine (whose Catch goes to cleanup).
 */
export function drillStepHandler<Result>(step: string, body: (state: DrillExecutionState) => Promise<Result>) {
  return async (event: unknown, context: Context): Promise<Result> => {
    logger.addContext(context);
    const state = drillStateOf(event);
    logger.appendKeys({ runId: state.runId, planId: state.input.planId, step });
    try {
      return await body(state);
    } catch (error) {
      const failure = error as Error;
      logger.error('drill step failed', { error: failure });
      try {
        await recordDrillEvent(state, `drill.${step}.failed`, { error: failure.name, message: failure.message });
      } catch (recordError) {
        logger.error('could not record the failed step', { error: recordError as Error });
      }
      throw error;
    } finally {
      // The logger outlives the invocation (one per container): the next one starts without this run's keys.
      logger.removeKeys(['runId', 'planId', 'step']);
    }
  };
}
