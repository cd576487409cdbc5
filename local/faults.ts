/**
 * Fault knobs of the local stack, for the reliability suite and for demos: DynamoDB answering with throttling or
 * internal errors at a rate, and handlers that throw or hang. Seeded, so a failing run can be replayed.
 */

/** mulberry32: a small, fast, seedable generator (Math.random cannot be replayed). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface DynamoDbFaultRule {
  /** Share of matching requests that fail, 0..1. */
  readonly rate: number;
  /** `throttle`: ProvisionedThroughputExceededException (400), which the SDK retries; `internal`: InternalServerError (500). */
  readonly error: 'throttle' | 'internal';
  /** Only these operations (e.g. PutItem, Query); all data operations when absent. */
  readonly operations?: readonly string[];
  readonly seed?: number;
}

export interface InjectedDynamoDbError {
  readonly code: string;
  readonly message: string;
  readonly statusCode: number;
}

/** What the DynamoDB front asks before each request. */
export class DynamoDbFaults {
  private rule: DynamoDbFaultRule | undefined;
  private random = seededRandom(1);
  /** Requests failed so far under the current rule. */
  injected = 0;

  set(rule: DynamoDbFaultRule | undefined): void {
    if (rule && !(rule.rate >= 0 && rule.rate <= 1)) throw new RangeError(`a fault rate is between 0 and 1, not ${rule.rate}`);
    this.rule = rule;
    this.random = seededRandom(rule?.seed ?? 1);
    this.injected = 0;
  }

  failureFor(operation: string): InjectedDynamoDbError | undefined {
    const rule = this.rule;
    if (!rule || (rule.operations && !rule.operations.includes(operation)) || this.random() >= rule.rate) return undefined;
    this.injected += 1;
    return rule.error === 'throttle'
      ? { code: 'ProvisionedThroughputExceededException', message: `Throughput exceeds the current capacity (injected fault on ${operation})`, statusCode: 400 }
      : { code: 'InternalServerError', message: `Internal server error (injected fault on ${operation})`, statusCode: 500 };
  }
}

export interface FunctionFaultRule {
  /**
   * `throw`: the handler fails with an error; `hang`: it never answers, and Lambda's timeout error arrives;
   * `out-of-time`: the invocation starts with only `remainingMs` of its timeout left (its context says so, and the
   * timeout strikes then), as one slow to start would; `delay`: the handler starts `delayMs` late; `lost-answer`: the
   * handler runs to its end, then the caller gets `Lambda.ServiceException` (which Step Functions retries) instead of its answer.
   */
  readonly mode: 'throw' | 'hang' | 'out-of-time' | 'delay' | 'lost-answer';
  /** How many invocations it hits, the next ones first; every one while set when absent. */
  readonly times?: number;
  /** For `hang`: when the timeout error arrives; the function's own timeout when absent. */
  readonly hangMs?: number;
  /** For `delay`: how long the invocation waits before its handler runs (as a cold or queued one would); it then runs as usual. */
  readonly delayMs?: number;
  /** For `out-of-time`: what is left of the function's timeout when the handler starts. */
  readonly remainingMs?: number;
}

/** What the local Lambda runtime asks before each invocation. */
export class FunctionFaults {
  private readonly rules = new Map<string, { rule: FunctionFaultRule; left: number }>();

  set(functionName: string, rule: FunctionFaultRule | undefined): void {
    if (rule) this.rules.set(functionName, { rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    else this.rules.delete(functionName);
  }

  clear(): void {
    this.rules.clear();
  }

  take(functionName: string): FunctionFaultRule | undefined {
    const entry = this.rules.get(functionName);
    if (!entry || entry.left <= 0) return undefined;
    entry.left -= 1;
    return entry.rule;
  }
}
