import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { parseCsv } from '../csv.js';
import { useAction, useFocusHeading, useLoad } from '../hooks.js';
import { shortTime } from '../time.js';
import type { UnreviewedRecord } from '../../../functions/domain/evidence/unreviewed-record.js';
import { ErrorLine, Loading } from '../widgets.js';

interface Verification {
  readonly intact: boolean;
  readonly events: number;
  readonly trails: { readonly incidents: number; readonly drillRuns: number; readonly broken: number };
}

const DAY_MS = 86_400_000;
const isoDate = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** The period's evidence: its verification, what awaits a sign-off (with the sign-off), and the export. */
export function EvidencePage({ api }: { api: Api }) {
  const [from, setFrom] = useState(() => isoDate(Date.now() - 90 * DAY_MS));
  const [to, setTo] = useState(() => isoDate(Date.now() + DAY_MS));
  const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const [verification] = useLoad(() => api.get<Verification>(`/evidence/verify?${period}`), `verify ${period}`);
  const [unreviewed, reload] = useLoad(() => api.get<{ unreviewed: UnreviewedRecord[] }>(`/evidence/unreviewed?${period}`), `unreviewed ${period}`);
  const unreviewedHeading = useFocusHeading();
  // A signed-off record's row goes: the focus waits on the section's heading.
  const signed = () => { unreviewedHeading.focus(); reload(); };
  return (
    <section aria-labelledby="evidence-title">
      <h1 id="evidence-title">Evidence</h1>
      <div class="toolbar">
        <label>From <input type="date" value={from} onChange={(event) => setFrom(event.currentTarget.value)} /></label>
        <label>To (exclusive) <input type="date" value={to} onChange={(event) => setTo(event.currentTarget.value)} /></label>
      </div>
      <section aria-labelledby="verify-title" class="panel">
        <h2 id="verify-title">Verification</h2>
        <Loading loaded={verification}>
          {(value) => (
            <p role="status" class={`chain ${value.intact ? 'intact' : 'broken'}`}>
              {value.intact
                ? `All ${value.trails.incidents + value.trails.drillRuns} trails (${value.events} events) verified: every hash chain intact.`
                : `${value.trails.broken} trails are BROKEN.`}
            </p>
          )}
        </Loading>
      </section>
      <section aria-labelledby="unreviewed-title" class="panel">
        <h2 id="unreviewed-title" ref={unreviewedHeading.ref} tabIndex={-1}>Awaiting sign-off</h2>
        <Loading loaded={unreviewed}>
          {({ unreviewed: records }) =>
            records.length === 0 ? <p>Nothing awaits a sign-off in this period.</p> : (
              <table>
                <caption class="visually-hidden">Finished records awaiting sign-off</caption>
                <thead><tr><th scope="col">Record</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Opened</th><th scope="col">Sign-off</th></tr></thead>
                <tbody>{records.map((record) => <UnreviewedRow key={`${record.kind} ${record.id}`} api={api} record={record} onSigned={signed} />)}</tbody>
              </table>
            )
          }
        </Loading>
      </section>
      <Controls api={api} period={period} />
      <Export api={api} period={period} />
    </section>
  );
}

function UnreviewedRow({ api, record, onSigned }: { api: Api; record: UnreviewedRecord; onSigned: () => void }) {
  const action = useAction();
  const [comment, setComment] = useState('');
  const isIncident = record.kind === 'incident';
  const path = isIncident ? `/incidents/${encodeURIComponent(record.id)}/sign-off` : `/drill-runs/${encodeURIComponent(record.id)}/sign-off`;
  const signOff = (verdict: 'accepted' | 'exceptions') =>
    action.run(() => api.post(path, { verdict, ...(comment.trim() && { comment: comment.trim() }) })).then((done) => done && onSigned());
  const commentId = `sign-off-${record.kind}-${record.id}`;
  return (
    <tr>
      <th scope="row"><a href={isIncident ? `#/incidents/${encodeURIComponent(record.id)}` : `#/drill-runs/${encodeURIComponent(record.id)}`}>{record.title}</a>{record.mode === 'exercise' ? ' (exercise)' : ''}</th>
      <td>{isIncident ? `incident ${record.severity ?? ''}` : `drill run of ${record.planId ?? ''}`}</td>
      <td>{record.status}</td>
      <td>{shortTime(record.openedAt)}</td>
      <td>
        <label for={commentId}>Comment</label> <input id={commentId} value={comment} onInput={(event) => setComment(event.currentTarget.value)} maxLength={4000} />
        <button type="button" aria-disabled={action.busy} onClick={() => signOff('accepted')}>Accept<span class="visually-hidden"> {record.title}</span></button>
        <button type="button" aria-disabled={action.busy} onClick={() => signOff('exceptions')}>Accept with exceptions<span class="visually-hidden"> {record.title}</span></button>
        <ErrorLine error={action.error} />
      </td>
    </tr>
  );
}

/**
 * Each control with its evidence in the period: the export's controls.csv, which only GET /evidence builds (it reads
 * every trail of the period, as the export does: so it is counted when asked, not on every visit).
 */
function Controls({ api, period }: { api: Api; period: string }) {
  const action = useAction();
  const [rows, setRows] = useState<Array<Record<string, string>> | undefined>(undefined);
  const count = () =>
    action.run(async () => {
      const answer = await api.get<{ files: Array<{ name: string; content: string }> }>(`/evidence?${period}`);
      const controls = answer.files.find((file) => file.name === 'controls.csv');
      if (!controls) throw new Error('the export has no controls.csv');
      setRows(parseCsv(controls.content));
    });
  const columns = [['control', 'Control'], ['title', 'Title'], ['incidents', 'Incidents'], ['drillRuns', 'Drill runs'], ['irPlanTests', 'IR plan tests'], ['exceptions', 'Exceptions'], ['unreviewed', 'Unreviewed'], ['lastTestedAt', 'Last tested']] as const;
  return (
    <section aria-labelledby="controls-title" class="panel">
      <h2 id="controls-title">Controls and their evidence</h2>
      <button type="button" aria-disabled={action.busy} onClick={count}>{action.busy ? 'Counting…' : 'Count evidence per control'}</button>
      <ErrorLine error={action.error} />
      {rows && (rows.length === 0 ? <p role="status">No control has evidence in this period.</p> : (
        <table>
          <caption class="visually-hidden">Controls with their evidence in the period</caption>
          <thead><tr>{columns.map(([, heading]) => <th scope="col">{heading}</th>)}</tr></thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row['control']}>
                <th scope="row">{row['control']} <small>{row['framework']}</small></th>
                {columns.slice(1).map(([key]) => <td>{key === 'lastTestedAt' ? shortTime(row[key] || undefined) : row[key]}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}

/** The period's export through GET /evidence (a signed zip): asked for, waited on, then saved by the browser. */
function Export({ api, period }: { api: Api; period: string }) {
  const action = useAction();
  const [file, setFile] = useState<{ url: string; name: string } | undefined>(undefined);
  const request = () =>
    action.run(async () => {
      const { blob, fileName } = await api.download(`/evidence?${period}`, 'application/zip');
      if (file) URL.revokeObjectURL(file.url);
      setFile({ url: URL.createObjectURL(blob), name: fileName ?? 'irdr-evidence.zip' });
    });
  return (
    <section aria-labelledby="export-title" class="panel">
      <h2 id="export-title">Export</h2>
      <p>The period's evidence as a signed zip (check it with <code>npx irdr evidence check-export</code>).</p>
      <button type="button" aria-disabled={action.busy} onClick={request}>{action.busy ? 'Preparing the export…' : 'Request export'}</button>
      {action.busy && <p role="status" aria-busy="true">Reading and signing every trail of the period…</p>}
      {file && <p role="status">Ready: <a href={file.url} download={file.name}>Download {file.name}</a></p>}
      <ErrorLine error={action.error} />
    </section>
  );
}
