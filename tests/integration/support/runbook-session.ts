import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { taskLinkKeys } from '../../../functions/aws/task-link-key.js';
import { signedTaskLinkPath } from '../../../functions/domain/task-link.js';
import { CORRECTIVE_ACTION_RULE } from '../../../functions/domain/corrective-action.js';
import type { TestStack } from './stack-session.js';

/** Helpers for driving runbooks on a test stack: trails, tasks, mailbox links, execution history. */

export interface TrailEventView {
  readonly type: string;
  readonly seq: number;
  readonly actor: string;
  readonly stepId?: string;
  readonly at: string;
  readonly detail?: Record<string, any>;
}

export interface TaskView {
  readonly taskId: string;
  readonly kind: 'task' | 'approval';
  readonly status: 'open' | 'completed' | 'expired' | 'cancelled';
  readonly assignee?: string;
  readonly dueAt?: string;
  readonly createdAt: string;
  readonly cancelReason?: string;
  readonly approvers?: { roles?: string[] };
  readonly outcomes: string[];
  readonly level: number;
  readonly notified: Array<{ address: string; level: number }>;
  readonly requires?: 'authenticated';
  readonly decision?: Record<string, any>;
}

export interface Email {
  readonly messageId: string;
  readonly subject: string;
  readonly from: string;
  readonly destination: { to: string[] };
  readonly body: { text?: string; html?: string };
}

/** The dev token acting in each role. */
export const TOKEN_OF_ROLE: Record<string, string> = {
  responder: 'dev-responder',
  commander: 'dev-commander',
  approver: 'dev-approver',
  auditor: 'dev-auditor',
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `pollMs`: how long the waits pause between looks (each look is a request through the API: ~10-25 ms of CPU). A wait
 * looks again only once the local DynamoDB has applied a write since (tasks, events and notifications are all written),
 * or after 20 × pollMs without one; within `attempts` × pollMs in all.
 */
export function runbookSession(local: TestStack, { pollMs = 50 }: { pollMs?: number } = {}) {
  /**
   * Resolves when the next look is due (true), or false once the wait that began at `startedAt` has run out of time;
   * `writesSeen`: the writes applied before the last look began (one since then is not waited for).
   */
  const nextLook = async (startedAt: number, attempts: number, writesSeen: number): Promise<boolean> => {
    const remainingMs = startedAt + attempts * pollMs - Date.now();
    if (remainingMs <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    if (local.stack.itemWritesApplied() === writesSeen) {
      await Promise.race([local.stack.nextItemWrite(), new Promise((resolve) => (timer = setTimeout(resolve, Math.min(20 * pollMs, remainingMs))))]);
      clearTimeout(timer);
    }
    // The writes of one step come in a burst: one look after it.
    await pause(pollMs);
    return true;
  };
  /** Every response body the session saw, to check later that none carries a task token. */
  const seen: string[] = [];
  const record = <T>(body: T): T => {
    seen.push(JSON.stringify(body));
    return body;
  };

  const session = {
    seen,
    async open(body: Record<string, unknown>): Promise<{ incidentId: string; executionArn: string }> {
      const created = await local.openIncident(body);
      if (created.status !== 202) throw new Error(`POST /incidents answered ${created.status}: ${JSON.stringify(created.body)}`);
      record(created.body);
      return { incidentId: created.body.incidentId as string, executionArn: created.body.executionArn as string };
    },
    async events(incidentId: string): Promise<TrailEventView[]> {
      const response = await local.api('GET', `/incidents/${incidentId}`);
      if (response.status !== 200) throw new Error(`GET /incidents/${incidentId} answered ${response.status}`);
      return record(response.body).events as TrailEventView[];
    },
    async tasks(incidentId: string, token = 'dev-responder'): Promise<TaskView[]> {
      const response = await local.api('GET', `/incidents/${incidentId}/tasks`, { token });
      if (response.status !== 200) throw new Error(`GET tasks answered ${response.status}: ${JSON.stringify(response.body)}`);
      return record(response.body).tasks as TaskView[];
    },
    async complete(incidentId: string, taskId: string, body: unknown, token: string) {
      const response = await local.api('POST', `/incidents/${incidentId}/tasks/${taskId}/complete`, { token, body });
      record(response.body);
      return response;
    },
    /** Polls the trail until `predicate` holds for some event; bounded by `attempts` (the test timeout applies too). */
    async waitForEvent(incidentId: string, predicate: (event: TrailEventView) => boolean, attempts = 1200): Promise<TrailEventView> {
      for (const startedAt = Date.now(); ; ) {
        const writesSeen = local.stack.itemWritesApplied();
        const found = (await session.events(incidentId)).find(predicate);
        if (found) return found;
        if (!(await nextLook(startedAt, attempts, writesSeen))) break;
      }
      throw new Error(`no matching event on incident ${incidentId}`);
    },
    async waitForOpenTask(incidentId: string, taskId: string, attempts = 1200): Promise<TaskView> {
      for (const startedAt = Date.now(); ; ) {
        const writesSeen = local.stack.itemWritesApplied();
        const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === taskId && candidate.status === 'open');
        if (task) return task;
        if (!(await nextLook(startedAt, attempts, writesSeen))) break;
      }
      throw new Error(`task ${taskId} of incident ${incidentId} never opened`);
    },
    /**
     * Waits until the task is open and every email of its current level is sent (or recorded as not sent):
     * from then on the run is idle, waiting on the task, and the table holds still.
     */
    async waitForTaskNotified(incidentId: string, taskId: string, attempts = 1200): Promise<TaskView> {
      for (const startedAt = Date.now(); ; ) {
        const writesSeen = local.stack.itemWritesApplied();
        const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === taskId && candidate.status === 'open');
        if (task) {
          const expected = task.notified.filter((recipient) => recipient.level === task.level).length;
          const recorded = (await session.events(incidentId)).filter(
            (event) => ['notification.sent', 'notify.failed'].includes(event.type) && event.detail?.taskId === taskId && event.detail?.level === task.level,
          ).length;
          if (recorded >= expected) return task;
        }
        if (!(await nextLook(startedAt, attempts, writesSeen))) break;
      }
      throw new Error(`task ${taskId} of incident ${incidentId} was never open with its emails sent`);
    },
    async emails(): Promise<Email[]> {
      return (await local.mailbox()) as unknown as Email[];
    },
    /** Polls the local mailbox until an email matches (emails go out just after a task opens). */
    async waitForEmail(predicate: (email: Email) => boolean, attempts = 1200): Promise<Email> {
      for (const startedAt = Date.now(); ; ) {
        const writesSeen = local.stack.itemWritesApplied();
        const found = (await session.emails()).find(predicate);
        if (found) return found;
        // An email is sent just before its notification.sent is written.
        if (!(await nextLook(startedAt, attempts, writesSeen))) break;
      }
      throw new Error('no matching email in the local mailbox');
    },
    /**
     * Completes every task the run opens, as someone allowed to, until the execution ends: approvals with
     * `decide(taskId)` (approved unless told otherwise), tasks with done. Returns the final status.
     */
    async completeEverything(incidentId: string, executionArn: string, decide: (taskId: string) => 'approved' | 'rejected' = () => 'approved') {
      for (let attempt = 0; attempt < 4000; attempt += 1) {
        for (const task of (await session.tasks(incidentId)).filter((candidate) => candidate.status === 'open')) {
          const outcome = task.kind === 'approval' ? decide(task.taskId) : 'done';
          const token = task.kind === 'approval' ? TOKEN_OF_ROLE[task.approvers?.roles?.[0] ?? 'approver']! : TOKEN_OF_ROLE[task.assignee ?? 'responder']!;
          let response = await session.complete(incidentId, task.taskId, { outcome, comment: `${outcome} in a test run` }, token);
          if (response.status === 409 && String((response.body as { message?: string }).message).includes(CORRECTIVE_ACTION_RULE)) {
            // A SEV1/SEV2 review completes only with a corrective action: the commander records one, as a team would.
            const dueAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
            const action = await local.api('POST', `/incidents/${incidentId}/actions`, { token: 'dev-commander', body: { title: 'Fix what the review found', owner: 'rita@example.com', dueAt } });
            if (action.status !== 201) throw new Error(`adding a corrective action answered ${action.status}: ${JSON.stringify(action.body)}`);
            response = await session.complete(incidentId, task.taskId, { outcome, comment: `${outcome} in a test run` }, token);
          }
          if (response.status !== 200) throw new Error(`completing ${task.taskId} answered ${response.status}: ${JSON.stringify(response.body)}`);
        }
        const execution = await local.sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status !== 'RUNNING') return execution;
        await pause(pollMs);
      }
      throw new Error(`execution ${executionArn} still RUNNING`);
    },
  };
  return session;
}

/** Every event of an execution's history. */
export async function executionHistory(local: TestStack, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** State transitions of a run: its *StateEntered history events. */
export function stateTransitions(history: readonly HistoryEvent[]): number {
  return history.filter((event) => event.type?.endsWith('StateEntered')).length;
}

/** The `/task-links/…?sig=…` URL in an email's text. */
export function taskLinkIn(email: Email): string | undefined {
  return /https?:\/\/\S+\/task-links\/[^\s?]+\?sig=[A-Za-z0-9_-]+/.exec(email.body.text ?? '')?.[0];
}

/**
 * A link to a task signed with the stack's real key, as the handlers sign them (or as whoever holds the key, or
 * an old link, could): for the recipient at `address`'s index in the task's recipients, expiring at `expiresAt`.
 */
export async function mintTaskLink(local: TestStack, task: Pick<TaskView, 'notified'> & { incidentId: string; taskId: string }, address: string, expiresAt: Date): Promise<string> {
  const [key] = await taskLinkKeys();
  const recipientIndex = task.notified.findIndex((recipient) => recipient.address === address);
  if (recipientIndex < 0) throw new Error(`${address} is no recipient of ${task.taskId}`);
  const claims = { incidentId: task.incidentId, taskId: task.taskId, recipientIndex, expiresAt: Math.floor(expiresAt.getTime() / 1000) };
  return local.stack.urls.api + signedTaskLinkPath(key!, claims, address);
}
