import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { PublicHumanTask } from '../functions/domain/human-task.js';
import type { StartedReport } from '../functions/domain/classification.js';
import type { Incident } from '../functions/domain/incident.js';
import { devIdentityNamed, devTokenVariable } from '../local/dev-identities.js';
import { incidentDetail, incidentTable, openedLine, taskTable, transitionLines, type IncidentView } from './incident-format.js';
import { noLocalStackMessage } from './no-local-stack.js';
import { ApiError, ApiUnreachableError, apiPath, bearerToken, irdrApiClient, type IrdrApiClient } from './irdr-api-client.js';

/**
 * `irdr incidents …`: the incident API from a terminal. Each command is one or a few HTTP calls; what the API
 * refuses (4xx) or fails (5xx) is printed with its status and message on stderr, and the command exits 1.
 */

export interface ConnectionFlags {
  /** The API's base URL (IRDR_API_URL): the stack output ApiUrl, or the local HTTP API. */
  api?: string;
  /**
   * A local dev token (IRDR_TOKEN), or a dev identity's name (dev-commander) standing for its token of this start, which
   * `irdr local env` exports (IRDR_TOKEN_COMMANDER); without one, requests are SigV4-signed with the default AWS credentials.
   */
  token?: string;
  /** The region to sign for; by default the API host's, else the SDK's (AWS_REGION, the profile). */
  region?: string;
}

export interface OutputFlags extends ConnectionFlags {
  /** Print the API's answer as it came, for scripts. */
  json?: boolean;
}

const print = (lines: readonly string[]): void => {
  for (const line of lines) console.log(line);
};
const printJson = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

/** Connects as the flags say and runs `work`; API refusals, failures and unreachable APIs become stderr and exit 1. */
export async function withApi(flags: ConnectionFlags, work: (client: IrdrApiClient) => Promise<void>): Promise<void> {
  if (!flags.api) {
    console.error('irdr: name the irdr API: --api <url> or IRDR_API_URL (`eval "$(npx irdr local env)"` sets it for the local stack; in AWS it is the stack output ApiUrl)');
    process.exitCode = 2;
    return;
  }
  let apiUrl: URL;
  try {
    apiUrl = new URL(flags.api);
  } catch {
    console.error(`irdr: --api ${flags.api} is not a URL; give one such as http://127.0.0.1:3000 or https://<id>.execute-api.<region>.amazonaws.com/`);
    process.exitCode = 2;
    return;
  }
  const identity = flags.token === undefined ? undefined : devIdentityNamed(flags.token);
  const token = identity ? process.env[devTokenVariable(identity)] : flags.token;
  if (identity && !token) {
    console.error(`irdr: ${identity.name} names a dev identity, not its token: the local stack makes new tokens at every start; \`eval "$(npx irdr local env)"\` exports them (${devTokenVariable(identity)}), or pass the token npm start printed`);
    process.exitCode = 2;
    return;
  }
  const signed = !token;
  const authorize = token ? bearerToken(token) : (await import('./api-sigv4-signer.js')).defaultChainSigner(apiUrl, flags.region);
  try {
    await work(irdrApiClient({ apiUrl: apiUrl.href, authorize }));
  } catch (error) {
    if (error instanceof ApiError) {
      // An IAM refusal from API Gateway (or the local stack without a dev token) says only "Forbidden".
      const hint = error.status === 403 && signed ? ' (the request was SigV4-signed with your AWS credentials, as no --token or IRDR_TOKEN was given; the local stack wants a dev token: `eval "$(npx irdr local env)"` exports IRDR_TOKEN, or e.g. --token dev-responder)' : '';
      console.error(`irdr: ${error.status} ${STATUS_CODES[error.status] ?? ''}: ${error.message}${hint}`);
    } else if (error instanceof ApiUnreachableError) {
      console.error(`irdr: ${noLocalStackMessage(error.cause) ?? error.message}`);
    } else if ((error as Error).name === 'CredentialsProviderError' || /region is missing/i.test((error as Error).message)) {
      console.error(`irdr: cannot sign the request: ${(error as Error).message}. Give AWS credentials and a region (or --region), or a dev token for the local stack (--token, IRDR_TOKEN)`);
    } else {
      throw error;
    }
    process.exitCode = 1;
  }
}

export interface OpenFlags extends OutputFlags {
  runbook: string;
  title: string;
  severity: string;
  summary: string;
  label?: Record<string, string>;
  awareAt?: string;
  detectedAt?: string;
  exercise: boolean;
  idempotencyKey?: string;
}

/** `irdr incidents open`: POST /incidents with an Idempotency-Key (printed first: a retry with it opens nothing new). */
export async function incidentsOpenCommand(flags: OpenFlags): Promise<void> {
  const key = flags.idempotencyKey ?? randomUUID();
  await withApi(flags, async (client) => {
    console.error(`idempotency key ${key} (to retry without opening a second incident: --idempotency-key ${key})`);
    const body = {
      runbookId: flags.runbook,
      title: flags.title,
      severity: flags.severity,
      summary: flags.summary,
      ...(flags.label !== undefined && { labels: flags.label }),
      ...(flags.awareAt !== undefined && { awareAt: flags.awareAt }),
      ...(flags.detectedAt !== undefined && { detectedAt: flags.detectedAt }),
      ...(flags.exercise && { mode: 'exercise' }),
    };
    const response = await client.request('POST', '/incidents', { body, headers: { 'idempotency-key': key } });
    const opened = JSON.parse(response.text) as { incidentId: string; status: string; runbookStatus?: string };
    if (flags.json) printJson(opened);
    else console.log(openedLine(opened, response.headers.get('idempotent-replayed') === 'true'));
  });
}

export interface ListFlags extends OutputFlags {
  status?: string;
  severity?: string;
  mode?: string;
  from?: string;
  to?: string;
  limit?: number;
  all: boolean;
  nextToken?: string;
}

/** `irdr incidents list`: GET /incidents, one page (or every page with --all), as a table. */
export async function incidentsListCommand(flags: ListFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const incidents: Incident[] = [];
    // A nextToken carries the listing's filters: the following pages send it alone (with the page size).
    let query: Record<string, string | number | undefined> = flags.nextToken
      ? { nextToken: flags.nextToken, limit: flags.limit }
      : { status: flags.status, severity: flags.severity, mode: flags.mode, from: flags.from, to: flags.to, limit: flags.limit };
    let nextToken: string | undefined;
    do {
      const page = await client.json<{ incidents: Incident[]; nextToken?: string }>('GET', '/incidents', { query });
      incidents.push(...page.incidents);
      nextToken = page.nextToken;
      query = { nextToken, limit: flags.limit };
    } while (flags.all && nextToken !== undefined);
    if (flags.json) return printJson({ incidents, ...(nextToken !== undefined && { nextToken }) });
    print(incidentTable(incidents));
    if (nextToken !== undefined) console.log(`more may follow: --all lists every page, --next-token ${nextToken} the next one`);
  });
}

/** `irdr incidents show <id>`: the incident, its milestones, open tasks, clocks and timeline. */
export async function incidentsShowCommand(incidentId: string, flags: OutputFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const view = await client.json<IncidentView>('GET', apiPath('incidents', incidentId));
    if (flags.json) printJson(view);
    else print(incidentDetail(view));
  });
}

export type LifecycleCommand = 'acknowledge' | 'resolve' | 'close';

/** `irdr incidents ack | resolve | close <id>`: POST /incidents/{id}/<action> (resolve with an optional summary). */
export async function incidentsTransitionCommand(action: LifecycleCommand, incidentId: string, flags: OutputFlags & { summary?: string }): Promise<void> {
  await withApi(flags, async (client) => {
    const body = action === 'resolve' && flags.summary !== undefined ? { summary: flags.summary } : undefined;
    const answer = await client.json<Parameters<typeof transitionLines>[1]>('POST', apiPath('incidents', incidentId, action), body ? { body } : {});
    if (flags.json) printJson(answer);
    else print(transitionLines(action, answer));
  });
}

/** What POST /incidents/{id}/classify answers (functions/http/classify-incident.ts). */
interface ClassifyAnswer {
  readonly incident: Incident;
  readonly severityChange?: { readonly from: string; readonly to: string; readonly direction: string };
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly started: readonly StartedReport[];
  readonly keptRunning: readonly string[];
  readonly taskIds: readonly string[];
}

/** `irdr incidents classify <id> [--severity] [--add …] [--remove …] --reason …`: POST /incidents/{id}/classify (commander). */
export async function incidentsClassifyCommand(
  incidentId: string,
  flags: OutputFlags & { severity?: string; add?: string[]; remove?: string[]; reason?: string; determinedAt?: string },
): Promise<void> {
  await withApi(flags, async (client) => {
    const body = {
      ...(flags.severity !== undefined && { severity: flags.severity }),
      ...(flags.add !== undefined && { add: flags.add }),
      ...(flags.remove !== undefined && { remove: flags.remove }),
      ...(flags.reason !== undefined && { reason: flags.reason }),
      ...(flags.determinedAt !== undefined && { determinedAt: flags.determinedAt }),
    };
    const answer = await client.json<ClassifyAnswer>('POST', apiPath('incidents', incidentId, 'classify'), { body });
    if (flags.json) return printJson(answer);
    const change = answer.severityChange ? `${answer.severityChange.from} -> ${answer.severityChange.to} (${answer.severityChange.direction})` : `${answer.incident.severity} (unchanged)`;
    console.log(`incident ${answer.incident.incidentId} classified: severity ${change}`);
    if (answer.added.length > 0) console.log(`  labels added: ${answer.added.join(', ')}`);
    if (answer.removed.length > 0) console.log(`  labels removed: ${answer.removed.join(', ')} (reports already running go on: ${answer.keptRunning.join(', ') || 'none'})`);
    for (const report of answer.started) {
      console.log(`  ${report.title}:`);
      for (const stage of report.stages) console.log(`    ${stage.title}: ${stage.dueAt === undefined ? 'due once the previous stage is submitted' : `due ${stage.dueAt}${stage.overdue ? ' (already overdue)' : ''}`}`);
    }
    if (answer.taskIds.length > 0) console.log(`  tasks opened: ${answer.taskIds.join(', ')} (irdr incidents tasks ${answer.incident.incidentId})`);
  });
}

/** `irdr incidents note <id> <text>`: POST /incidents/{id}/notes. */
export async function incidentsNoteCommand(incidentId: string, text: string, flags: OutputFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const answer = await client.json<{ incidentId: string; note: { seq: number; at: string } }>('POST', apiPath('incidents', incidentId, 'notes'), { body: { text } });
    if (flags.json) printJson(answer);
    else console.log(`note added to incident ${answer.incidentId}: event ${answer.note.seq} at ${answer.note.at}`);
  });
}

/** `irdr incidents tasks <id>`: GET /incidents/{id}/tasks; the open ones unless --all. */
export async function incidentsTasksCommand(incidentId: string, flags: OutputFlags & { all: boolean }): Promise<void> {
  await withApi(flags, async (client) => {
    const answer = await client.json<{ incidentId: string; tasks: PublicHumanTask[] }>('GET', apiPath('incidents', incidentId, 'tasks'));
    if (flags.json) return printJson(answer);
    const shown = flags.all ? answer.tasks : answer.tasks.filter((task) => task.status === 'open');
    const open = answer.tasks.filter((task) => task.status === 'open').length;
    if (shown.length > 0) print(taskTable(shown));
    console.log(`${open} open of ${answer.tasks.length} tasks${flags.all || open === answer.tasks.length ? '' : ' (--all shows them all)'}`);
  });
}

/** `irdr incidents complete <id> <taskId> --outcome …`: POST /incidents/{id}/tasks/{taskId}/complete. */
export async function incidentsCompleteCommand(incidentId: string, taskId: string, flags: OutputFlags & { outcome: string; comment?: string; reference?: string }): Promise<void> {
  await withApi(flags, async (client) => {
    // The reference is the API's to check (one definition: its 400 says what a reference may hold).
    const body = { outcome: flags.outcome, ...(flags.comment !== undefined && { comment: flags.comment }), ...(flags.reference !== undefined && { reference: flags.reference }) };
    const answer = await client.json<{ incidentId: string; task: PublicHumanTask; completedTasks?: PublicHumanTask[] }>(
      'POST',
      apiPath('incidents', incidentId, 'tasks', taskId, 'complete'),
      { body },
    );
    if (flags.json) return printJson(answer);
    const reference = answer.task.decision?.reference;
    console.log(`task ${answer.task.taskId} of incident ${answer.incidentId}: ${answer.task.decision?.outcome ?? answer.task.status} by ${answer.task.decision?.decidedBy ?? '?'}${reference !== undefined ? `, reference ${reference}` : ''}`);
    for (const task of answer.completedTasks ?? []) console.log(`  also completed: ${task.taskId}`);
  });
}

/** `irdr incidents draft <id> <taskId>`: GET /incidents/{id}/tasks/{taskId}/draft, a report stage's draft (Markdown) as it comes. */
export async function incidentsDraftCommand(incidentId: string, taskId: string, flags: ConnectionFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const response = await client.request('GET', apiPath('incidents', incidentId, 'tasks', taskId, 'draft'));
    // Through console, as every line the CLI prints, so the draft's data is escaped (see terminal-output.ts).
    console.log(response.text.replace(/\n$/, ''));
  });
}

/** `irdr incidents review <id>`: GET /incidents/{id}/review, the Markdown draft as it comes. */
export async function incidentsReviewCommand(incidentId: string, flags: ConnectionFlags): Promise<void> {
  await withApi(flags, async (client) => {
    const response = await client.request('GET', apiPath('incidents', incidentId, 'review'));
    // Through console, as every line the CLI prints, so the draft's data is escaped (see terminal-output.ts).
    console.log(response.text.replace(/\n$/, ''));
  });
}
