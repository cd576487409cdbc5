import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionRegistry, type FunctionSpec } from '../functions/registry.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, lambdaResponseBytes } from '../functions/domain/lambda-limits.js';
import { runAsFunction } from './aws-call-recorder.js';
import type { FunctionFaults } from './faults.js';
import { PROJECT_ROOT } from './project-root.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** An error as Lambda reports a function error: errorType is what Retry and Catch match on. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[],
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}

export interface LocalLambdaOptions {
  readonly region: string;
  readonly accountId: string;
  /** Prefix of every function name, like the stack's physical names. */
  readonly namePrefix: string;
  /** Handlers made to throw or hang (the reliability suite). */
  readonly faults?: FunctionFaults;
}

/**
 * Runs the registered handlers in-process, as Lambda would: each from its registry entry file,
 * with a Lambda-like context, JSON in and JSON out (no shared references), and its timeout enforced.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<string, Promise<Handler>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: LocalLambdaOptions) {}

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${this.options.namePrefix}${name}`;
  }

  /** Accepts a function name, a full ARN, or a partial ARN, as Lambda's Invoke does. */
  resolve(nameOrArn: string): FunctionSpec {
    const name = nameOrArn.split(':function:').pop()!.split(':')[0]!;
    const spec = functionRegistry.find((candidate) => this.options.namePrefix + candidate.name === name || candidate.name === name);
    if (!spec) {
      throw new LambdaFunctionError('ResourceNotFoundException', `Function not found: ${this.functionArn(name)}`, []);
    }
    return spec;
  }

  invoke(nameOrArn: string, payload: unknown): Promise<unknown> {
    const invocation = this.run(nameOrArn, payload);
    const settled = invocation.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return invocation;
  }

  /** Resolves once every invocation under way has finished (each is bounded by its function's timeout). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async run(nameOrArn: string, payload: unknown): Promise<unknown> {
    const spec = this.resolve(nameOrArn);
    const handler = await this.load(spec);
    const fault = this.options.faults?.take(spec.name);
    const timeoutMs = spec.timeoutSeconds * 1000;
    const budgetMs = fault?.mode === 'out-of-time' ? Math.min(fault.remainingMs ?? 0, timeoutMs) : timeoutMs;
    const deadline = Date.now() + budgetMs;
    const context = this.context(spec, deadline);
    const event: unknown = JSON.parse(JSON.stringify(payload ?? null));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds}.00 seconds`, [])), budgetMs);
      timer.unref();
    });
    try {
      if (fault?.mode === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
      if (fault?.mode === 'throw') throw new LambdaFunctionError('InjectedFault', `${spec.name} was told to fail (local fault knob)`, []);
      if (fault?.mode === 'hang') {
        // Never answers: the caller sees Lambda's timeout error, sooner when the knob says so.
        await new Promise((_, reject) => setTimeout(() => reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds}.00 seconds`, [])), fault.hangMs ?? spec.timeoutSeconds * 1000).unref());
      }
      const result = await Promise.race([runAsFunction(spec.name, () => handler(event, context)), timedOut]);
      // What it wrote stays written: a retried step must not count it twice.
      if (fault?.mode === 'lost-answer') throw new LambdaFunctionError('Lambda.ServiceException', `${spec.name} ran, but its answer was lost (local fault knob)`, []);
      // Lambda refuses a synchronous response over 6 MB, so a handler that would outgrow it fails here too.
      if (lambdaResponseBytes(result) > LAMBDA_RESPONSE_LIMIT_BYTES) {
        throw new LambdaFunctionError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${LAMBDA_RESPONSE_LIMIT_BYTES} bytes).`, []);
      }
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      if (error instanceof LambdaFunctionError) throw error;
      const failure = error instanceof Error ? error : new Error(String(error));
      throw new LambdaFunctionError(failure.name || 'Error', failure.message, (failure.stack ?? '').split('\n'));
    } finally {
      clearTimeout(timer);
    }
  }

  private load(spec: FunctionSpec): Promise<Handler> {
    let loading = this.handlers.get(spec.name);
    if (!loading) {
      loading = import(pathToFileURL(resolve(PROJECT_ROOT, spec.entry)).href).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${spec.entry} exports no handler`);
        return module.handler;
      });
      this.handlers.set(spec.name, loading);
    }
    return loading;
  }

  private context(spec: FunctionSpec, deadline: number): Context {
    const functionName = this.options.namePrefix + spec.name;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.functionArn(spec.name),
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `local/${new Date().toISOString().slice(0, 10)}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
