import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import { duration, shortTime } from '../time.js';
import { Badge, ErrorLine, Loading } from '../widgets.js';
import { Timeline } from './incident.js';
import { ObjectivesTrend } from './objectives-trend.js';
import type { TrailEventView } from '../views.js';

interface PlanView {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly driver: string;
  readonly schedule?: { readonly expression: string; readonly timeZone?: string; readonly enabled?: boolean };
  readonly source: { readonly type: string; readonly tableName?: string; readonly resourceType?: string };
  readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  readonly lastRun?: { readonly runId: string; readonly status: string; readonly startedAt: string; readonly rtoSeconds?: number };
  readonly openFailureIncidentId?: string;
}

const WATCH_INTERVAL_MS = 2000;
const seconds = (value: number | undefined): string => (value === undefined ? '—' : duration(value * 1000));

/** Every drill plan: its schedule, targets and last result; "Run now" for those the API lets start one. */
export function DrillsPage({ api }: { api: Api }) {
  const [plans, reload] = useLoad(() => api.get<{ plans: PlanView[] }>('/drills'), 'drills');
  return (
    <>
    <section aria-labelledby="drills-title">
      <h1 id="drills-title">Restore drills</h1>
      <button type="button" onClick={reload}>Refresh</button>
      <Loading loaded={plans}>
        {({ plans: list }) => (
          <table>
            <caption class="visually-hidden">Drill plans</caption>
            <thead>
              <tr><th scope="col">Plan</th><th scope="col">Source</th><th scope="col">Schedule</th><th scope="col">Targets (RTO / RPO)</th><th scope="col">Last run</th><th scope="col">Achieved RTO</th><th scope="col">RTO / RPO trend</th><th scope="col">Action</th></tr>
            </thead>
            <tbody>{list.map((plan) => <PlanRow key={plan.id} api={api} plan={plan} onStarted={reload} />)}</tbody>
          </table>
        )}
      </Loading>
    </section>
    <Coverage api={api} />
    </>
  );
}

interface CoverageByType {
  readonly type: string;
  readonly resources: number;
  readonly drilled: number;
  readonly attempted: number;
  readonly notDrilled: number;
}

const COVERAGE_DAYS = 90;

/** What AWS Backup protects and the tables, per resource type: how many were drilled in the last 90 days (GET /evidence/coverage). */
function Coverage({ api }: { api: Api }) {
  const to = new Date(Date.now() + 60_000).toISOString();
  const from = new Date(Date.now() - COVERAGE_DAYS * 86_400_000).toISOString();
  const [coverage] = useLoad(() => api.get<{ byType: CoverageByType[] }>(`/evidence/coverage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&status=not-drilled`), 'coverage');
  return (
    <section aria-labelledby="coverage-title" class="panel">
      <h2 id="coverage-title">Coverage by resource type (last {COVERAGE_DAYS} days)</h2>
      <Loading loaded={coverage}>
        {({ byType }) =>
          byType.length === 0 ? <p>No protected resources or tables found.</p> : (
            <table>
              <caption class="visually-hidden">Resources per type, and how many a drill restored and validated</caption>
              <thead><tr><th scope="col">Type</th><th scope="col">Resources</th><th scope="col">Drilled</th><th scope="col">Attempted only</th><th scope="col">Not drilled</th></tr></thead>
              <tbody>{byType.map((row) => <tr key={row.type}><th scope="row">{row.type}</th><td>{row.resources}</td><td>{row.drilled}</td><td>{row.attempted}</td><td>{row.notDrilled}</td></tr>)}</tbody>
            </table>
          )
        }
      </Loading>
    </section>
  );
}

function PlanRow({ api, plan, onStarted }: { api: Api; plan: PlanView; onStarted: () => void }) {
  const action = useAction();
  const [started, setStarted] = useState<string | undefined>(undefined);
  const runNow = () =>
    action.run(async () => {
      const answer = await api.post<{ runId: string }>(`/drills/${encodeURIComponent(plan.id)}/runs`, undefined, { 'idempotency-key': crypto.randomUUID() });
      setStarted(answer.runId);
      onStarted();
    });
  return (
    <tr>
      <th scope="row">{plan.title}<br /><small>{plan.id} · {plan.driver} · owner {plan.owner}</small></th>
      <td>{plan.source.tableName ?? plan.source.resourceType ?? plan.source.type}</td>
      <td>{plan.schedule ? `${plan.schedule.expression}${plan.schedule.timeZone ? ` (${plan.schedule.timeZone})` : ''}${plan.schedule.enabled === false ? ', paused' : ''}` : 'on demand'}</td>
      <td>{plan.targets.rtoMinutes} min / {plan.targets.rpoMinutes} min</td>
      <td>
        {plan.lastRun ? <><a href={`#/drill-runs/${encodeURIComponent(plan.lastRun.runId)}`}><Badge text={plan.lastRun.status} /></a> {shortTime(plan.lastRun.startedAt)}</> : 'never run'}
        {plan.openFailureIncidentId && <><br /><a href={`#/incidents/${encodeURIComponent(plan.openFailureIncidentId)}`}>open failure incident</a></>}
      </td>
      <td>{seconds(plan.lastRun?.rtoSeconds)}</td>
      <td><ObjectivesTrend api={api} planId={plan.id} targets={plan.targets} refresh={plan.lastRun?.runId ?? ''} /></td>
      <td>
        <button type="button" aria-disabled={action.busy} onClick={runNow}>Run now<span class="visually-hidden"> {plan.title}</span></button>
        {started && <p role="status">Started: <a href={`#/drill-runs/${encodeURIComponent(started)}`}>watch the run</a></p>}
        <ErrorLine error={action.error} />
      </td>
    </tr>
  );
}

interface RunView {
  readonly run: {
    readonly runId: string;
    readonly planId: string;
    readonly planTitle?: string;
    readonly status: string;
    readonly startedAt: string;
    readonly endedAt?: string;
    readonly targets?: { readonly rtoMinutes: number; readonly rpoMinutes: number };
    readonly rtoSeconds?: number;
    readonly checks?: ReadonlyArray<{ readonly id: string; readonly type: string; readonly passed: boolean; readonly expected: string; readonly actual: string }>;
    readonly cleanup?: { readonly status: string; readonly reason?: string };
    readonly reasons?: readonly string[];
  };
  readonly events: TrailEventView[];
  readonly trail: { readonly intact: boolean; readonly length: number };
}

/** One drill run: its checks expected vs actual, RTO, cleanup and trail; it refreshes itself while the run goes on. */
export function DrillRunPage({ api, runId }: { api: Api; runId: string }) {
  const path = `/drill-runs/${encodeURIComponent(runId)}`;
  const [run, reload] = useLoad(() => api.get<RunView>(path), path);
  const running = run.state === 'ready' && !run.value.run.endedAt;
  // Watched to its report: read again every few seconds while it runs (or before its first record is written).
  const waiting = running || (run.state === 'failed' && /no drill run/.test(run.message));
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(reload, WATCH_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [run]);
  return (
    <Loading loaded={run}>
      {({ run: value, events }) => (
        <article aria-labelledby="run-title">
          <p><a href="#/drills">← Drills</a></p>
          <h1 id="run-title">{value.planTitle ?? value.planId}: run {value.runId}</h1>
          <dl class="facts">
            <dt>Status</dt><dd data-testid="run-status"><Badge text={value.status} /></dd>
            <dt>Started</dt><dd>{shortTime(value.startedAt)}</dd>
            <dt>Ended</dt><dd>{shortTime(value.endedAt)}</dd>
            <dt>RTO</dt><dd>{seconds(value.rtoSeconds)}{value.targets ? ` (target ${value.targets.rtoMinutes} min)` : ''}</dd>
            <dt>Cleanup</dt><dd data-testid="run-cleanup">{value.cleanup ? `${value.cleanup.status}${value.cleanup.reason ? `: ${value.cleanup.reason}` : ''}` : 'not yet'}</dd>
          </dl>
          {running && <button type="button" onClick={reload}>Refresh (the run is still going)</button>}
          {value.reasons && value.reasons.length > 0 && <ul class="reasons">{value.reasons.map((reason) => <li>{reason}</li>)}</ul>}
          <section aria-labelledby="checks-title" class="panel">
            <h2 id="checks-title">Checks</h2>
            {!value.checks?.length ? <p>No checks have run yet.</p> : (
              <table>
                <caption class="visually-hidden">Checks, expected against actual</caption>
                <thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Expected</th><th scope="col">Actual</th></tr></thead>
                <tbody>
                  {value.checks.map((check) => (
                    <tr key={check.id}><th scope="row">{check.id} <small>({check.type})</small></th><td><Badge text={check.passed ? 'passed' : 'failed'} /></td><td>{check.expected}</td><td>{check.actual}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <Timeline events={events} />
        </article>
      )}
    </Loading>
  );
}
