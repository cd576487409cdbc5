import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiClient, describeError, type Api, type CognitoAuthConfig, type ConsoleConfig } from './api.js';
import { sigv4ApiSigner } from './auth/api-signer.js';
import { CognitoSession } from './auth/cognito-session.js';
import { addressWithoutCallback, beginSignIn, completeSignIn, isSignInCallback, signOutUrl, type SignInSettings } from './auth/cognito-sign-in.js';

/*
 * The console in AWS: sign in with Cognito's hosted pages (code + PKCE), take the group role's credentials from the
 * identity pool, and sign every API call with them (SigV4). What each person may do is still the API's to decide.
 */

type Signed = { api: Api; who: string };
type GateState = { kind: 'starting' } | { kind: 'signed-out'; message?: string } | ({ kind: 'signed-in' } & Signed);

const settingsOf = (auth: CognitoAuthConfig): SignInSettings & { region: string; identityPoolId: string; userPoolId: string } => ({
  signInDomain: auth.signInDomain,
  clientId: auth.userPoolClientId,
  redirectUri: auth.redirectUri,
  region: auth.region,
  identityPoolId: auth.identityPoolId,
  userPoolId: auth.userPoolId,
  ...(auth.identityProvider && { identityProvider: auth.identityProvider }),
});

export function CognitoGate({ config, auth, children }: { config: ConsoleConfig; auth: CognitoAuthConfig; children: (signed: Signed, signOut: () => void) => ComponentChildren }) {
  const [state, setState] = useState<GateState>({ kind: 'starting' });
  const settings = settingsOf(auth);
  useEffect(() => {
    const address = location.href;
    if (!isSignInCallback(address)) return setState({ kind: 'signed-out' });
    // The code and state leave the address bar (and history) before anything else happens.
    history.replaceState(null, '', addressWithoutCallback(address));
    void (async () => {
      try {
        const session = new CognitoSession(settings, await completeSignIn(settings, address, sessionStorage));
        await session.credentials();
        const api = apiClient(config, sigv4ApiSigner({ apiUrl: config.apiUrl, apiHost: auth.apiHost, region: auth.region }, () => session.credentials()));
        setState({ kind: 'signed-in', api, who: session.who });
      } catch (error) {
        setState({ kind: 'signed-out', message: describeError(error) });
      }
    })();
  }, []);
  if (state.kind === 'signed-in') return <>{children(state, () => location.assign(signOutUrl(settings)))}</>;
  return (
    <main id="main" tabIndex={-1} class="picker">
      <h1>irdr console</h1>
      {state.kind === 'starting' ? <p>Signing in…</p> : (
        <>
          {state.message && <p role="alert" class="error">{state.message}</p>}
          <p>Sign in with your irdr account. The API decides what you may do, by your group.</p>
          <button type="button" onClick={() => void beginSignIn(settings, sessionStorage).then((url) => location.assign(url))}>Sign in</button>
        </>
      )}
    </main>
  );
}
