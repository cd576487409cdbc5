import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { SfnError } from './errors.js';

/** Announces each token issued, with the execution it belongs to (the AWS call recorder names SendTask* resources from it). */
export const TASK_TOKEN_ISSUED_CHANNEL = 'irdr.local.stepfunctions.task-token-issued';
const issuedTokens = diagnosticsChannel.channel(TASK_TOKEN_ISSUED_CHANNEL);

export interface IssuedTaskToken {
  readonly taskToken: string;
  readonly executionArn: string;
}

/** What a waiting `.waitForTaskToken` task does when its token is answered. */
export interface TaskTokenListener {
  succeed(output: string): void;
  fail(error: string | undefined, cause: string | undefined): void;
  heartbeat(): void;
}

type TokenEntry =
  | { readonly status: 'issued'; readonly executionArn: string }
  | { readonly status: 'waiting'; readonly executionArn: string; readonly listener: TaskTokenListener }
  | { readonly status: 'closed'; readonly executionArn: string };

/**
 * Task tokens of every execution. A token is issued when a task reads `$$.Task.Token`, waits while its
 * task waits, and is closed for good once the task ends (answered, failed, timed out or aborted).
 */
export class TaskTokenRegistry {
  private readonly tokens = new Map<string, TokenEntry>();

  issue(executionArn: string): string {
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    this.tokens.set(token, { status: 'issued', executionArn });
    if (issuedTokens.hasSubscribers) issuedTokens.publish({ taskToken: token, executionArn } satisfies IssuedTaskToken);
    return token;
  }

  /** The task holding `token` now waits for SendTask* calls. */
  wait(token: string, listener: TaskTokenListener): void {
    const entry = this.tokens.get(token);
    if (!entry) throw new Error(`Task token was never issued: ${token}`);
    this.tokens.set(token, { status: 'waiting', executionArn: entry.executionArn, listener });
  }

  close(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) this.tokens.set(token, { status: 'closed', executionArn: entry.executionArn });
  }

  /** Closes the tokens an execution issued but no task waited on. */
  closeExecution(executionArn: string): void {
    for (const [token, entry] of this.tokens) {
      if (entry.executionArn === executionArn && entry.status !== 'closed') this.close(token);
    }
  }

  sendSuccess(token: string, output: string): void {
    this.listenerOf(token).succeed(output);
  }

  sendFailure(token: string, error: string | undefined, cause: string | undefined): void {
    this.listenerOf(token).fail(error, cause);
  }

  sendHeartbeat(token: string): void {
    this.listenerOf(token).heartbeat();
  }

  private listenerOf(token: string): TaskTokenListener {
    const entry = this.tokens.get(token);
    if (!entry) throw new SfnError('InvalidToken', 'Invalid Token: the task token was not issued by this service');
    if (entry.status === 'closed') throw new SfnError('TaskTimedOut', 'Task Timed Out: the task of this token has already ended');
    if (entry.status === 'issued') throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist: no task is waiting on this token');
    return entry.listener;
  }
}
