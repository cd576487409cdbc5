import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { verifyTrail, type ChainStatus } from '../chain.js';
import { useAction, useFocusHeading, useLoad, useNow } from '../hooks.js';
import { countdown, shortTime } from '../time.js';
import { Badge, ErrorLine, Loading } from '../widgets.js';
import { Review } from './incident-review.js';
import type { IncidentRecordView, IncidentView, TaskView, TrailEventView } from '../views.js';
import { actorLabel } from '../actor.js';

/** One incident: where it stands, its clocks, its tasks with their actions, notes, and the hash-chained timeline. */
export function IncidentPage({ api, incidentId }: { api: Api; incidentId: string }) {
  const path = `/incidents/${encodeURIComponent(incidentId)}`;
  // Each reload is a round: the review and its actions, read by their own routes, are read again with it.
  const [round, setRound] = useState(0);
  const [record, reloadRecord] = useLoad(() => api.get<IncidentRecordView>(path), path);
  const reload = () => { setRound((value) => value + 1); reloadRecord(); };
  return (
    <Loading loaded={record}>
      {(value) => (
        <article aria-labelledby="incident-title">
          <p><a href="#/incidents">← Incidents</a></p>
          <h1 id="incident-title">{value.incident.title}</h1>
          <button type="button" onClick={reload}>Refresh</button>
          <Summary incident={value.incident} />
          <Lifecycle api={api} path={path} incident={value.incident} onDone={reload} />
          <Classification api={api} path={path} incident={value.incident} onDone={reload} />
          <Clocks record={value} />
          <Tasks api={api} path={path} tasks={value.tasks} onDone={reload} />
          <Notes api={api} path={path} onDone={reload} />
          <Review api={api} path={path} incident={value.incident} round={round} />
          <Timeline events={value.events} />
        </article>
      )}
    </Loading>
  );
}

function Summary({ incident }: { incident: IncidentView }) {
  return (
    <dl class="facts">
      <dt>Severity</dt><dd data-testid="incident-severity"><Badge text={incident.severity} /></dd>
      <dt>Status</dt><dd data-testid="incident-status">{incident.status}</dd>
      <dt>Runbook</dt><dd>{incident.runbookId} ({incident.runbookStatus})</dd>
      <dt>Opened</dt><dd>{shortTime(incident.openedAt)} by <span title={incident.openedBy}>{actorLabel(incident.openedBy)}</span></dd>
      <dt>Summary</dt><dd class="prose">{incident.summary}</dd>
      <dt>Labels</dt><dd data-testid="incident-labels">{incident.labels && Object.keys(incident.labels).length ? Object.entries(incident.labels).map(([key, value]) => `${key}: ${value}`).join(', ') : 'none'}</dd>
      {incident.resolutionSummary && <><dt>Resolution</dt><dd class="prose">{incident.resolutionSummary}</dd></>}
    </dl>
  );
}

function Lifecycle({ api, path, incident, onDone }: { api: Api; path: string; incident: IncidentView; onDone: () => void }) {
  const action = useAction();
  const heading = useFocusHeading();
  const [summary, setSummary] = useState('');
  // The pressed control goes with the status it moved from: the focus waits on the section's heading.
  const move = (verb: 'acknowledge' | 'resolve' | 'close', body?: unknown) => action.run(() => api.post(`${path}/${verb}`, body)).then((done) => { if (done) { heading.focus(); onDone(); } });
  return (
    <section aria-labelledby="lifecycle-title" class="panel">
      <h2 id="lifecycle-title" ref={heading.ref} tabIndex={-1}>Lifecycle</h2>
      {incident.status === 'open' && <button type="button" aria-disabled={action.busy} onClick={() => move('acknowledge')}>Acknowledge</button>}
      {(incident.status === 'open' || incident.status === 'acknowledged') && (
        <form class="inline" onSubmit={(event) => { event.preventDefault(); void move('resolve', summary.trim() ? { summary: summary.trim() } : {}); }}>
          <label>Resolution summary <input value={summary} onInput={(event) => setSummary(event.currentTarget.value)} maxLength={4000} /></label>
          <button type="submit" aria-disabled={action.busy}>Resolve</button>
        </form>
      )}
      {incident.status === 'resolved' && <button type="button" aria-disabled={action.busy} onClick={() => move('close')}>Close</button>}
      {incident.status === 'closed' && <p>Closed.</p>}
      <ErrorLine error={action.error} />
    </section>
  );
}

/** Reclassifying: a new severity, and why (the API asks for a reason unless the severity only rises). */
function Classification({ api, path, incident, onDone }: { api: Api; path: string; incident: IncidentView; onDone: () => void }) {
  const action = useAction();
  const heading = useFocusHeading();
  const [severity, setSeverity] = useState(incident.severity);
  const [reason, setReason] = useState('');
  if (incident.status === 'closed') return null;
  const submit = (event: Event) => {
    event.preventDefault();
    // Reclassify is disabled once the severity is the incident's: the focus waits on the section's heading.
    void action.run(() => api.post(`${path}/classify`, { severity, ...(reason.trim() && { reason: reason.trim() }) })).then((done) => { if (done) { heading.focus(); onDone(); } });
  };
  return (
    <section aria-labelledby="classification-title" class="panel">
      <h2 id="classification-title" ref={heading.ref} tabIndex={-1}>Classification</h2>
      <form class="inline" onSubmit={submit}>
        <label>New severity{' '}
          <select value={severity} onChange={(event) => setSeverity(event.currentTarget.value)}>
            {['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((value) => <option value={value}>{value}</option>)}
          </select>
        </label>
        <label>Reason <input value={reason} onInput={(event) => setReason(event.currentTarget.value)} maxLength={2000} /></label>
        <button type="submit" disabled={severity === incident.severity} aria-disabled={action.busy}>Reclassify</button>
      </form>
      <ErrorLine error={action.error} />
    </section>
  );
}

function Clocks({ record }: { record: IncidentRecordView }) {
  const now = useNow();
  if (record.clocks.length === 0) return null;
  return (
    <section aria-labelledby="clocks-title" class="panel">
      <h2 id="clocks-title">Clocks</h2>
      <ul>
        {record.clocks.map((clock) => (
          <li key={clock.clockId}>
            <strong>{clock.title}</strong> ({clock.kind}): {clock.status}
            {clock.status === 'running' && clock.deadlineAt ? ` — ${countdown(clock.deadlineAt, now)} (due ${shortTime(clock.deadlineAt)})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tasks({ api, path, tasks, onDone }: { api: Api; path: string; tasks: readonly TaskView[]; onDone: () => void }) {
  const open = tasks.filter((task) => task.status === 'open');
  const finished = tasks.filter((task) => task.status !== 'open');
  const heading = useFocusHeading();
  // A completed task's card goes: the focus waits on the section's heading.
  const completed = () => { heading.focus(); onDone(); };
  return (
    <section aria-labelledby="tasks-title" class="panel">
      <h2 id="tasks-title" ref={heading.ref} tabIndex={-1}>Tasks</h2>
      {open.length === 0 && <p>No open tasks.</p>}
      {open.map((task) => <OpenTask key={task.taskId} api={api} path={path} task={task} onDone={completed} />)}
      {finished.length > 0 && (
        <ul class="finished">
          {finished.map((task) => (
            <li key={task.taskId}>{task.title}: {task.status}{task.decision ? ` (${task.decision.outcome} by ${actorLabel(task.decision.decidedBy)}${task.decision.comment ? `: ${task.decision.comment}` : ''})` : ''}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

const OUTCOME_LABELS: Record<string, string> = { done: 'Complete', approved: 'Approve', rejected: 'Reject' };

function OpenTask({ api, path, task, onDone }: { api: Api; path: string; task: TaskView; onDone: () => void }) {
  const action = useAction();
  const [comment, setComment] = useState('');
  const commentId = `comment-${task.taskId}`;
  const complete = (outcome: string) =>
    action.run(() => api.post(`${path}/tasks/${encodeURIComponent(task.taskId)}/complete`, { outcome, comment: comment.trim() })).then((done) => done && onDone());
  return (
    <div class="task" role="group" aria-labelledby={`task-${task.taskId}`}>
      <h3 id={`task-${task.taskId}`}>{task.title}</h3>
      <p>{task.kind === 'approval' ? 'Approval' : 'Task'} for {task.assignee ?? 'the approvers'}; escalation level {task.level} of {task.levelCount}.</p>
      {task.instructions && <p class="prose">{task.instructions}</p>}
      <label for={commentId}>Comment{task.outcomes.includes('rejected') ? ' (needed to reject)' : ''}</label>
      <input id={commentId} value={comment} onInput={(event) => setComment(event.currentTarget.value)} maxLength={2000} />
      {task.outcomes.map((outcome) => (
        <button type="button" aria-disabled={action.busy} onClick={() => complete(outcome)}>
          {OUTCOME_LABELS[outcome] ?? outcome}<span class="visually-hidden"> {task.title}</span>
        </button>
      ))}
      <ErrorLine error={action.error} />
    </div>
  );
}

function Notes({ api, path, onDone }: { api: Api; path: string; onDone: () => void }) {
  const action = useAction();
  const [text, setText] = useState('');
  return (
    <section aria-labelledby="notes-title" class="panel">
      <h2 id="notes-title">Add a note</h2>
      <form onSubmit={(event) => { event.preventDefault(); void action.run(() => api.post(`${path}/notes`, { text })).then((done) => { if (done) { setText(''); onDone(); } }); }}>
        <label for="note-text" class="visually-hidden">Note</label>
        <textarea id="note-text" value={text} onInput={(event) => setText(event.currentTarget.value)} rows={2} required />
        <button type="submit" aria-disabled={action.busy}>Add note</button>
        <ErrorLine error={action.error} />
      </form>
    </section>
  );
}

export function Timeline({ events }: { events: readonly TrailEventView[] }) {
  const [chain, setChain] = useState<ChainStatus | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void verifyTrail(events).then((status) => current && setChain(status));
    return () => {
      current = false;
    };
  }, [events]);
  return (
    <section aria-labelledby="timeline-title" class="panel">
      <h2 id="timeline-title">Timeline</h2>
      <p role="status" class={`chain ${chain ? (chain.intact ? 'intact' : 'broken') : ''}`} data-testid="chain-status">
        {!chain ? 'Checking the hash chain…' : chain.intact ? `Hash chain intact: ${chain.length} events recomputed in this browser.` : `Hash chain BROKEN at event ${chain.problem!.seq} (${chain.problem!.kind}).`}
      </p>
      <ol class="timeline">
        {events.map((event) => (
          <li key={event.seq}>
            <time dateTime={event.at}>{shortTime(event.at)}</time> <code>{event.type}</code> by <span title={event.actor}>{actorLabel(event.actor)}</span>
            {typeof event.detail?.['text'] === 'string' ? <q>{event.detail['text']}</q> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
