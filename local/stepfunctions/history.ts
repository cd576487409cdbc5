import type { HistoryEventType } from '@aws-sdk/client-sfn';

/** One event of GetExecutionHistory, its details under the AWS field name (e.g. `stateEnteredEventDetails`). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: HistoryEventType;
  readonly detailsField?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The numbered, append-only event list of one execution. Nothing is recorded after the execution's last event. */
export class ExecutionHistory {
  private readonly recorded: HistoryEvent[] = [];
  private closed = false;

  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  record(type: HistoryEventType, detailsField?: string, details?: Record<string, unknown>): void {
    if (this.closed) return;
    const id = this.recorded.length + 1;
    this.recorded.push({ id, previousEventId: id - 1, timestamp: new Date(), type, ...(detailsField && details ? { detailsField, details } : {}) });
  }

  /** Records the execution's terminal event; later events (e.g. from tasks being unwound) are dropped. */
  recordLast(type: HistoryEventType, detailsField?: string, details?: Record<string, unknown>): void {
    this.record(type, detailsField, details);
    this.closed = true;
  }
}

/** `{ input, inputDetails }` or `{ output, outputDetails }` as AWS writes execution data into event details. */
export function executionData(field: 'input' | 'output', value: unknown): Record<string, unknown> {
  return { [field]: JSON.stringify(value ?? null), [`${field}Details`]: { truncated: false } };
}

const EXECUTION_DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** The event as the JSON 1.0 wire carries it: dates as epoch seconds, execution data left out on request. */
export function toWireEvent(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    timestamp: event.timestamp.getTime() / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  if (event.detailsField && event.details) {
    wire[event.detailsField] = includeExecutionData
      ? event.details
      : Object.fromEntries(Object.entries(event.details).filter(([field]) => !EXECUTION_DATA_FIELDS.has(field)));
  }
  return wire;
}
