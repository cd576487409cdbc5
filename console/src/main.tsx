import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiClient, describeError, type Api, type ConsoleConfig } from './api.js';
import { CognitoGate } from './cognito-gate.js';
import { bearerSigner, chooseIdentity, chosenIdentity, listDevIdentities, takeKeyFromAddress, type DevIdentityChoice } from './dev-session.js';
import { Board } from './pages/board.js';
import { DrillRunPage, DrillsPage } from './pages/drills.js';
import { EvidencePage } from './pages/evidence.js';
import { IncidentPage } from './pages/incident.js';

type Route = { page: 'board' } | { page: 'incident'; id: string } | { page: 'drills' } | { page: 'drill-run'; id: string } | { page: 'evidence' };

/** Hash routes (#/incidents/<id>): a static host serves the one index.html for every page. */
function routeOf(hash: string): Route {
  const [section, id] = hash.replace(/^#\/?/, '').split('/').map((part) => decodeURIComponent(part));
  if (section === 'incidents' && id) return { page: 'incident', id };
  if (section === 'drills') return { page: 'drills' };
  if (section === 'drill-runs' && id) return { page: 'drill-run', id };
  if (section === 'evidence') return { page: 'evidence' };
  return { page: 'board' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', changed);
    // The effect runs a frame after the first draw: an address changed in between (a quick press) is read now.
    changed();
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

const TITLES: Record<Route['page'], string> = { board: 'Incidents', incident: 'Incident', drills: 'Drills', 'drill-run': 'Drill run', evidence: 'Evidence' };

function Page({ api, route }: { api: Api; route: Route }) {
  useEffect(() => {
    document.title = `${TITLES[route.page]} · irdr console`;
    document.getElementById('main')?.focus();
  }, [route]);
  switch (route.page) {
    case 'incident':
      return <IncidentPage api={api} incidentId={route.id} />;
    case 'drills':
      return <DrillsPage api={api} />;
    case 'drill-run':
      return <DrillRunPage api={api} runId={route.id} />;
    case 'evidence':
      return <EvidencePage api={api} />;
    default:
      return <Board api={api} />;
  }
}

function Shell({ api, who, onSwitch, switchLabel = 'Switch identity' }: { api: Api; who: string; onSwitch: () => void; switchLabel?: string }) {
  const route = useRoute();
  const current = (page: Route['page'][]) => (page.includes(route.page) ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header>
        <nav aria-label="Sections">
          <strong>irdr</strong>
          <a href="#/incidents" aria-current={current(['board', 'incident'])}>Incidents</a>
          <a href="#/drills" aria-current={current(['drills', 'drill-run'])}>Drills</a>
          <a href="#/evidence" aria-current={current(['evidence'])}>Evidence</a>
        </nav>
        <p class="who">Acting as <strong data-testid="acting-as">{who}</strong> <button type="button" onClick={onSwitch}>{switchLabel}</button></p>
      </header>
      <main id="main" tabIndex={-1}>
        <Page api={api} route={route} />
      </main>
    </>
  );
}

/** The local stack's sign-in: choose who to act as (each a dev identity with its roles); the API checks every call. */
function DevIdentityPicker({ config, onChosen }: { config: ConsoleConfig; onChosen: (identity: DevIdentityChoice) => void }) {
  const [identities, setIdentities] = useState<DevIdentityChoice[] | string>([]);
  useEffect(() => {
    listDevIdentities(config.apiUrl).then(setIdentities, (error: unknown) => setIdentities(describeError(error)));
  }, []);
  return (
    <main id="main" tabIndex={-1} class="picker">
      <h1>Act as a dev identity</h1>
      <p>The local stack has no sign-in: choose who you are. The API decides what each may do, as it does for the CLI.</p>
      {typeof identities === 'string' ? <p role="alert" class="error">{identities}</p> : (
        <ul>
          {identities.map((identity) => (
            <li key={identity.name}>
              <button type="button" onClick={() => onChosen(identity)}>{identity.displayName}</button> <small>{identity.name}: {identity.roles.length ? identity.roles.join(', ') : 'no role'}</small>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function App({ config }: { config: ConsoleConfig }) {
  const [identity, setIdentity] = useState(chosenIdentity);
  if (config.auth.kind === 'cognito') {
    return <CognitoGate config={config} auth={config.auth}>{({ api, who }, signOut) => <Shell api={api} who={who} onSwitch={signOut} switchLabel="Sign out" />}</CognitoGate>;
  }
  if (!identity) return <DevIdentityPicker config={config} onChosen={(chosen) => { chooseIdentity(chosen); setIdentity(chosen); }} />;
  return <Shell api={apiClient(config, bearerSigner(identity))} who={identity.displayName} onSwitch={() => { chooseIdentity(undefined); setIdentity(undefined); }} />;
}

async function start(): Promise<void> {
  takeKeyFromAddress();
  const root = document.getElementById('app')!;
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json: ${response.status}`);
    render(<App config={(await response.json()) as ConsoleConfig} />, root);
  } catch (error) {
    root.textContent = `The console could not start: ${describeError(error)}`;
  }
}

void start();
