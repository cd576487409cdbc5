import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { useAction, useLoad, useNow, type Loaded } from '../hooks.js';
import { countdown, shortTime } from '../time.js';
import { Badge, ErrorLine, Loading } from '../widgets.js';
import type { ClockView, IncidentView, RoleOnCallView, TaskView } from '../views.js';

const PAGE_SIZE = 25;
/** A User Timing mark, set when the first page of rows is on screen. */
export const BOARD_PAINTED_MARK = 'irdr:board-rows-painted';
const FILTERS = { open: 'open,acknowledged', history: 'resolved,closed', all: '' } as const;
type Filter = keyof typeof FILTERS;

interface IncidentPage {
  readonly incidents: IncidentView[];
  readonly nextToken?: string;
}

/** The incidents board: open incidents first, a page at a time; each row's next clock read after the page shows. */
export function Board({ api }: { api: Api }) {
  const [filter, setFilter] = useState<Filter>('open');
  const [severity, setSeverity] = useState('');
  // The tokens of the pages before this one, so Previous works without the API keeping state.
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  const token = tokens.at(-1);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (FILTERS[filter]) query.set('status', FILTERS[filter]);
  if (severity) query.set('severity', severity);
  if (token) query.set('nextToken', token);
  const [page, reload] = useLoad(() => api.get<IncidentPage>(`/incidents?${query}`), query.toString());
  const reset = () => setTokens([undefined]);

  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Incidents</h1>
      <div class="toolbar">
        <label>
          Show{' '}
          <select value={filter} onChange={(event) => { setFilter(event.currentTarget.value as Filter); reset(); }}>
            <option value="open">Open and acknowledged</option>
            <option value="history">History (resolved, closed)</option>
            <option value="all">All</option>
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity} onChange={(event) => { setSeverity(event.currentTarget.value); reset(); }}>
            <option value="">Any</option>
            {['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((value) => <option value={value}>{value}</option>)}
          </select>
        </label>
        <button type="button" onClick={reload}>Refresh</button>
      </div>
      <Loading loaded={page}>
        {({ incidents, nextToken }) => (
          <>
            {incidents.length === 0 ? <p>No incidents here in the last 30 days.</p> : <IncidentTable api={api} incidents={incidents} />}
            <nav class="pager" aria-label="Pages of incidents">
              <button type="button" disabled={tokens.length === 1} onClick={() => setTokens(tokens.slice(0, -1))}>Previous page</button>
              <span>Page {tokens.length}</span>
              <button type="button" disabled={!nextToken} onClick={() => setTokens([...tokens, nextToken])}>Next page</button>
            </nav>
          </>
        )}
      </Loading>
      <OpenIncidentForm api={api} onOpened={() => { setFilter('open'); reset(); reload(); }} />
    </section>
  );
}

function IncidentTable({ api, incidents }: { api: Api; incidents: readonly IncidentView[] }) {
  const details = useRowDetails(api, incidents);
  const [onCall] = useLoad(() => api.get<{ roles: RoleOnCallView[] }>('/on-call'), 'on-call');
  const now = useNow();
  // The board's meaningful paint: the first frame with its rows (bench/console-board.ts reads this mark).
  useEffect(() => {
    requestAnimationFrame(() => performance.mark(BOARD_PAINTED_MARK));
  }, []);
  return (
    <table class="board">
      <caption class="visually-hidden">Incidents, newest first</caption>
      <thead>
        <tr><th scope="col">Incident</th><th scope="col">Severity</th><th scope="col">Runbook</th><th scope="col">Status</th><th scope="col">Opened</th><th scope="col">Next clock</th><th scope="col">On call</th></tr>
      </thead>
      <tbody>
        {incidents.map((incident) => {
          const detail = details.get(incident.incidentId);
          const clock = detail?.clock;
          return (
            <tr key={incident.incidentId}>
              <td><a href={`#/incidents/${encodeURIComponent(incident.incidentId)}`}>{incident.title}</a>{incident.mode === 'exercise' ? ' (exercise)' : ''}</td>
              <td><Badge text={incident.severity} /></td>
              <td>{incident.runbookId}</td>
              <td>{incident.status}</td>
              <td><time dateTime={incident.openedAt}>{shortTime(incident.openedAt)}</time></td>
              <td class="clock">{detail === undefined ? '…' : clock === null ? '—' : `${clock!.title}: ${countdown(clock!.deadlineAt!, now)}`}</td>
              <td>{detail === undefined ? '…' : whoIsPaged(detail.roles, onCall)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Who a page for the row's open tasks goes to now: each waiting role's paged people (GET /on-call), or why not known. */
function whoIsPaged(roles: readonly string[], onCall: Loaded<{ roles: RoleOnCallView[] }>): string {
  if (roles.length === 0) return '—';
  if (onCall.state === 'loading') return '…';
  if (onCall.state === 'failed') return `not known: ${onCall.message}`;
  return roles
    .map((role) => {
      const paged = onCall.value.roles.find((entry) => entry.role === role)?.paged ?? [];
      return `${paged.length ? paged.map((person) => person.name).join(', ') : 'nobody'} (${role})`;
    })
    .join('; ');
}

interface RowDetail {
  /** The running clock with the nearest deadline; null: none. */
  readonly clock: ClockView | null;
  /** The roles its open tasks wait on (a task's assignee, an approval's approver roles). */
  readonly roles: readonly string[];
}

const waitingRoles = (tasks: readonly TaskView[]): string[] => [
  ...new Set(tasks.filter((task) => task.status === 'open').flatMap((task) => (task.assignee ? [task.assignee] : [...(task.approvers?.roles ?? [])]))),
];

/** Each shown incident's next clock and the roles its open tasks wait on, read a few at a time after the page painted. */
function useRowDetails(api: Api, incidents: readonly IncidentView[]): ReadonlyMap<string, RowDetail> {
  const [details, setDetails] = useState<ReadonlyMap<string, RowDetail>>(new Map());
  useEffect(() => {
    let current = true;
    const found = new Map<string, RowDetail>();
    const queue = [...incidents];
    const worker = async (): Promise<void> => {
      for (let incident = queue.shift(); incident && current; incident = queue.shift()) {
        const record = await api.get<{ clocks: ClockView[]; tasks: TaskView[] }>(`/incidents/${encodeURIComponent(incident.incidentId)}`).catch(() => ({ clocks: [], tasks: [] }));
        const running = record.clocks.filter((clock) => clock.status === 'running' && clock.deadlineAt).sort((a, b) => Date.parse(a.deadlineAt!) - Date.parse(b.deadlineAt!));
        found.set(incident.incidentId, { clock: running[0] ?? null, roles: waitingRoles(record.tasks) });
        if (current) setDetails(new Map(found));
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
    return () => {
      current = false;
    };
    // Each load of the page (Refresh included) reads the clocks again: a run starts its clocks after the incident opens.
  }, [incidents]);
  return details;
}

interface RunbookSummary {
  readonly id: string;
  readonly title: string;
}

/** Opening an incident: one Idempotency-Key per filled-in form, so a retry after a lost answer opens nothing twice. */
function OpenIncidentForm({ api, onOpened }: { api: Api; onOpened: () => void }) {
  const [runbooks] = useLoad(() => api.get<{ runbooks: RunbookSummary[] }>('/runbooks'), 'runbooks');
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [opened, setOpened] = useState<string | undefined>(undefined);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = Object.fromEntries(['runbookId', 'title', 'severity', 'summary'].map((name) => [name, String(form.get(name) ?? '')]));
    const done = await action.run(async () => {
      const answer = await api.post<{ incidentId: string }>('/incidents', body, { 'idempotency-key': key });
      setOpened(answer.incidentId);
    });
    if (done) {
      (event.currentTarget as HTMLFormElement | null)?.reset();
      setKey(crypto.randomUUID());
      onOpened();
    }
  };
  return (
    <details class="open-incident">
      <summary>Open an incident</summary>
      <form onSubmit={submit} onInput={() => setKey(crypto.randomUUID())}>
        <label>Runbook
          <select name="runbookId" required>
            {runbooks.state === 'ready' && runbooks.value.runbooks.map((runbook) => <option value={runbook.id}>{runbook.title} ({runbook.id})</option>)}
          </select>
        </label>
        <label>Title <input name="title" required maxLength={200} /></label>
        <label>Severity
          <select name="severity" required>
            {['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((value) => <option value={value} selected={value === 'SEV3'}>{value}</option>)}
          </select>
        </label>
        <label>Summary <textarea name="summary" required maxLength={4000} rows={3} /></label>
        <button type="submit" aria-disabled={action.busy}>Open incident</button>
        <ErrorLine error={action.error} />
        {opened && <p role="status">Opened <a href={`#/incidents/${encodeURIComponent(opened)}`}>{opened}</a>.</p>}
      </form>
    </details>
  );
}
