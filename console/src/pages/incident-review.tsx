import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { useAction, useFocusHeading, useLoad } from '../hooks.js';
import { shortTime } from '../time.js';
import { ErrorLine, Loading } from '../widgets.js';
import type { IncidentView } from '../views.js';
import { actorLabel } from '../actor.js';

/** GET /incidents/{id}/actions, per action: what the console shows of it. */
interface CorrectiveActionView {
  readonly actionId: string;
  readonly title: string;
  readonly owner: { readonly email: string; readonly name?: string };
  readonly dueAt: string;
  readonly state: 'open' | 'overdue' | 'closed';
  readonly closedBy?: string;
  readonly evidence?: { readonly note?: string; readonly link?: string };
}

/** The post-incident review (its findings and the API's Markdown draft) and its corrective actions (docs/corrective-actions.md). */
export function Review({ api, path, incident, round }: { api: Api; path: string; incident: IncidentView; round: number }) {
  const [actions, reloadActions] = useLoad(() => api.get<{ actions: CorrectiveActionView[] }>(`${path}/actions`), `${path} actions ${round}`);
  const [draft, reloadDraft] = useLoad(async () => (await (await api.download(`${path}/review`, 'text/markdown')).blob.text()), `${path} review ${round}`);
  const reload = () => { reloadActions(); reloadDraft(); };
  const finished = incident.status === 'resolved' || incident.status === 'closed';
  return (
    <section aria-labelledby="review-title" class="panel">
      <h2 id="review-title">Post-incident review</h2>
      {finished ? <Findings api={api} path={path} onDone={reload} /> : <p>The review's findings are recorded once the incident is resolved.</p>}
      <h3 id="actions-title">Corrective actions</h3>
      <Loading loaded={actions}>
        {({ actions: list }) => (list.length === 0 ? <p>No corrective actions yet.</p> : (
          <ul class="actions">{list.map((action) => <ActionItem key={action.actionId} api={api} path={path} action={action} onDone={reload} />)}</ul>
        ))}
      </Loading>
      <AddAction api={api} path={path} onDone={reload} />
      <details class="review-draft">
        <summary>The review's draft (Markdown)</summary>
        <Loading loaded={draft}>{(text) => <pre data-testid="review-draft">{text}</pre>}</Loading>
      </details>
    </section>
  );
}

/** What the review found (a commander's): a later record replaces an earlier one in the draft; both stay in the trail. */
function Findings({ api, path, onDone }: { api: Api; path: string; onDone: () => void }) {
  const action = useAction();
  const [done, setDone] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    void action.run(() => api.post(`${path}/review`, { rootCause: text('rootCause'), wentWell: text('wentWell'), wentBadly: text('wentBadly') })).then((ok) => { setDone(ok); if (ok) onDone(); });
  };
  return (
    <form onSubmit={submit} onInput={() => setDone(false)}>
      <label>Root cause <textarea name="rootCause" rows={2} maxLength={4000} /></label>
      <label>What went well <textarea name="wentWell" rows={2} maxLength={4000} /></label>
      <label>What did not <textarea name="wentBadly" rows={2} maxLength={4000} /></label>
      <button type="submit" aria-disabled={action.busy}>Record the findings</button>
      <ErrorLine error={action.error} />
      {done && <p role="status">Findings recorded.</p>}
    </form>
  );
}

function ActionItem({ api, path, action: item, onDone }: { api: Api; path: string; action: CorrectiveActionView; onDone: () => void }) {
  const action = useAction();
  const heading = useFocusHeading();
  const [note, setNote] = useState('');
  const [link, setLink] = useState('');
  const id = `action-${item.actionId}`;
  const close = (event: Event) => {
    event.preventDefault();
    const body = { ...(note.trim() && { note: note.trim() }), ...(link.trim() && { link: link.trim() }) };
    // The close form goes with the open state: the focus waits on the action's title.
    void action.run(() => api.post(`${path}/actions/${encodeURIComponent(item.actionId)}/close`, body)).then((ok) => { if (ok) { heading.focus(); onDone(); } });
  };
  return (
    <li>
      <h4 id={id} ref={heading.ref} tabIndex={-1}>{item.title}</h4>
      <p data-testid="action-state">{item.state}: owner {item.owner.name ? `${item.owner.name} <${item.owner.email}>` : item.owner.email}, due {shortTime(item.dueAt)}
        {item.state === 'closed' ? ` — closed by ${item.closedBy !== undefined ? actorLabel(item.closedBy) : '?'}${item.evidence?.note ? `: ${item.evidence.note}` : ''}` : ''}
        {/* The API takes https:// links only; the console links nothing else all the same. */}
        {item.evidence?.link ? <> ({item.evidence.link.startsWith('https://') ? <a href={item.evidence.link} rel="noopener noreferrer">{item.evidence.link}</a> : item.evidence.link})</> : null}
      </p>
      {item.state !== 'closed' && (
        <form class="inline" aria-labelledby={id} onSubmit={close}>
          <label>Evidence note <input value={note} onInput={(event) => setNote(event.currentTarget.value)} maxLength={4000} /></label>
          <label>Evidence link (https://) <input value={link} onInput={(event) => setLink(event.currentTarget.value)} maxLength={2000} /></label>
          <button type="submit" aria-disabled={action.busy}>Close action<span class="visually-hidden"> {item.title}</span></button>
          <ErrorLine error={action.error} />
        </form>
      )}
    </li>
  );
}

/** A new corrective action (a commander's): an owner from the configured people, a due date; the API checks both. */
function AddAction({ api, path, onDone }: { api: Api; path: string; onDone: () => void }) {
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body = { title: text('title'), owner: text('owner'), dueAt: text('dueAt'), ...(text('ownerPrincipal') && { ownerPrincipal: text('ownerPrincipal') }) };
    void action.run(() => api.post(`${path}/actions`, body)).then((ok) => { if (ok) { formElement.reset(); onDone(); } });
  };
  return (
    <form class="add-action" aria-label="Add a corrective action" onSubmit={submit}>
      <label>Action title <input name="title" maxLength={200} /></label>
      <label>Owner's email <input name="owner" type="email" maxLength={254} /></label>
      <label>Owner's IAM principal (optional: lets them close it) <input name="ownerPrincipal" maxLength={600} /></label>
      <label>Due (YYYY-MM-DD, or a time with its offset) <input name="dueAt" maxLength={40} /></label>
      <button type="submit" aria-disabled={action.busy}>Add action</button>
      <ErrorLine error={action.error} />
    </form>
  );
}
