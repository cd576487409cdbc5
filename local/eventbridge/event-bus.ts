import { randomUUID } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { matchesEventPattern } from './event-pattern.js';

/** Every event put on a local bus, matched or not (tests and tools listen: EventBridge's own "all events" archive). */
export const BUS_EVENTS_CHANNEL = 'irdr.local.eventbridge.event';
const busEvents = diagnosticsChannel.channel(BUS_EVENTS_CHANNEL);

/** An event as EventBridge hands it to a target. */
export interface BusEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** One PutEvents request entry (the API's shape). */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** JSON text, as in the API. */
  readonly Detail: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date | string;
}

export interface LocalEventRule {
  readonly name: string;
  readonly eventPattern: Readonly<Record<string, unknown>>;
  /** The registry name of the Lambda function the rule targets. */
  readonly functionName: string;
}

export interface Delivery {
  readonly rule: string;
  readonly functionName: string;
  readonly outcome: 'delivered' | 'dead-lettered';
  readonly attempts: number;
  /** What the function returned (delivered), or its last error (dead-lettered). */
  readonly result?: unknown;
  readonly error?: string;
}

export interface LocalEventBusOptions {
  readonly rules: readonly LocalEventRule[];
  readonly invoke: (functionName: string, event: BusEvent) => Promise<unknown>;
  readonly account: string;
  readonly region: string;
  /** Retries after a failed delivery before the event is dead-lettered. @default 2 */
  readonly retryAttempts?: number;
}

/**
 * The default event bus, locally: events are matched against the same rule patterns CDK deploys and
 * delivered to their target functions, retried, then dead-lettered. Unlike EventBridge, delivery is
 * awaited, so a caller (a test, the CLI) learns what each target made of the event.
 */
export class LocalEventBus {
  /** Events no target accepted after its retries (EventBridge's rule dead-letter queue). */
  readonly deadLetters: Array<{ readonly rule: string; readonly event: BusEvent; readonly error: string }> = [];

  constructor(private readonly options: LocalEventBusOptions) {}

  /** Delivers an event exactly as EventBridge would hand it over (e.g. a documented GuardDuty sample). */
  async deliver(event: BusEvent): Promise<{ eventId: string; deliveries: Delivery[] }> {
    if (busEvents.hasSubscribers) busEvents.publish(event);
    const matched = this.options.rules.filter((rule) => matchesEventPattern(rule.eventPattern, event));
    const deliveries = await Promise.all(matched.map((rule) => this.deliverTo(rule, event)));
    return { eventId: event.id, deliveries };
  }

  /** PutEvents: wraps each entry in EventBridge's envelope (this account and region), then delivers it. */
  async putEvents(entries: readonly PutEventsEntry[]): Promise<Array<{ eventId: string; deliveries: Delivery[] }>> {
    return Promise.all(
      entries.map((entry) =>
        this.deliver({
          version: '0',
          id: randomUUID(),
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: this.options.account,
          time: new Date(entry.Time ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: this.options.region,
          resources: [...(entry.Resources ?? [])],
          detail: JSON.parse(entry.Detail) as unknown,
        }),
      ),
    );
  }

  private async deliverTo(rule: LocalEventRule, event: BusEvent): Promise<Delivery> {
    const attempts = 1 + (this.options.retryAttempts ?? 2);
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const result = await this.options.invoke(rule.functionName, event);
        return { rule: rule.name, functionName: rule.functionName, outcome: 'delivered', attempts: attempt, result };
      } catch (error) {
        lastError = `${(error as Error).name}: ${(error as Error).message}`;
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    this.deadLetters.push({ rule: rule.name, event, error: lastError });
    return { rule: rule.name, functionName: rule.functionName, outcome: 'dead-lettered', attempts, error: lastError };
  }
}
