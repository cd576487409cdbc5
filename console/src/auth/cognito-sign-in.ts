import { codeChallengeOf, randomBase64Url } from './pkce.js';

/*
 * Sign-in with the user pool's hosted pages: the authorization-code grant with PKCE (no client secret in a browser).
 * The tab keeps its state and verifier for one answer; an answer with another state is refused (CSRF, a replayed or
 * planted link). Tokens come back in the token endpoint's POST answer, never in the address, and stay in memory.
 */

/** Where this tab keeps the pending sign-in (the browser's sessionStorage: this tab only, gone when it closes). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SignInSettings {
  /** The user pool's sign-in domain, https://<prefix>.auth.<region>.amazoncognito.com. */
  readonly signInDomain: string;
  readonly clientId: string;
  /** The console's address registered as the app client's callback (and sign-out) URL. */
  readonly redirectUri: string;
  /** A federated IdP's name in the pool: sign-in goes straight to it instead of Cognito's own page. */
  readonly identityProvider?: string;
}

export interface UserPoolTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** When the ID and access tokens expire. */
  readonly expiresAt: Date;
}

/** A refused or failed sign-in, with what to do about it. */
export class SignInError extends Error {}

const PENDING_ITEM = 'irdr.console.sign-in';

/** The authorize URL to send the browser to; remembers this attempt's state and verifier in `store`. */
export async function beginSignIn(settings: SignInSettings, store: KeyValueStore): Promise<string> {
  const state = randomBase64Url();
  const verifier = randomBase64Url();
  store.setItem(PENDING_ITEM, JSON.stringify({ state, verifier }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: 'openid email',
    state,
    code_challenge_method: 'S256',
    code_challenge: await codeChallengeOf(verifier),
    ...(settings.identityProvider && { identity_provider: settings.identityProvider }),
  });
  return `${settings.signInDomain}/oauth2/authorize?${query}`;
}

/** Whether an address is the authorize endpoint's answer (`?code=…&state=…` or `?error=…`). */
export function isSignInCallback(address: string): boolean {
  const query = new URL(address).searchParams;
  return query.has('state') && (query.has('code') || query.has('error'));
}

/** The address without the answer's query (what the caller puts in the address bar at once: no code stays there). */
export function addressWithoutCallback(address: string): string {
  const url = new URL(address);
  return `${url.origin}${url.pathname}${url.hash}`;
}

/**
 * Completes a sign-in from the authorize endpoint's answer: the state must be the one this tab sent (the pending
 * attempt is used up either way), then the code and the verifier are exchanged for tokens at the token endpoint.
 */
export async function completeSignIn(settings: SignInSettings, address: string, store: KeyValueStore, fetchFn: typeof fetch = fetch): Promise<UserPoolTokens> {
  const query = new URL(address).searchParams;
  const pending = store.getItem(PENDING_ITEM);
  store.removeItem(PENDING_ITEM);
  const sent = pending ? (JSON.parse(pending) as { state?: unknown; verifier?: unknown }) : undefined;
  const state = query.get('state');
  if (!sent || typeof sent.state !== 'string' || typeof sent.verifier !== 'string' || !state || state !== sent.state) {
    throw new SignInError('this sign-in answer was not asked for by this tab (its state does not match): it was refused; press Sign in to start again');
  }
  const error = query.get('error');
  if (error) throw new SignInError(`the sign-in was refused (${error}${query.get('error_description') ? `: ${query.get('error_description')}` : ''}); press Sign in to try again`);
  const code = query.get('code');
  if (!code) throw new SignInError('the sign-in answer carries no code; press Sign in to start again');
  return tokenRequest(settings, { grant_type: 'authorization_code', client_id: settings.clientId, code, redirect_uri: settings.redirectUri, code_verifier: sent.verifier }, fetchFn);
}

/** New ID and access tokens for a refresh token (the pool keeps the refresh token; Cognito returns none here). */
export async function refreshSignIn(settings: SignInSettings, refreshToken: string, fetchFn: typeof fetch = fetch): Promise<UserPoolTokens> {
  const tokens = await tokenRequest(settings, { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken }, fetchFn);
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

/** Where to send the browser to sign out of the hosted pages too (else the next sign-in is silent). */
export function signOutUrl(settings: SignInSettings): string {
  return `${settings.signInDomain}/logout?${new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.redirectUri })}`;
}

async function tokenRequest(settings: SignInSettings, form: Record<string, string>, fetchFn: typeof fetch): Promise<UserPoolTokens> {
  const response = await fetchFn(`${settings.signInDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    credentials: 'omit',
    cache: 'no-store',
  });
  const answer = (await response.json().catch(() => ({}))) as { id_token?: string; access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
  if (!response.ok || !answer.id_token || !answer.access_token) {
    throw new SignInError(`the sign-in could not be completed (${answer.error ?? `token endpoint answered ${response.status}`}); press Sign in to try again`);
  }
  return { idToken: answer.id_token, accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: new Date(Date.now() + (answer.expires_in ?? 3600) * 1000) };
}

/** The signed-in user's email from the ID token, for display only (the identity pool checks the token; we do not need to). */
export function emailOf(idToken: string): string | undefined {
  try {
    const payload = idToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const email = (JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (char) => char.charCodeAt(0)))) as { email?: unknown }).email;
    return typeof email === 'string' ? email : undefined;
  } catch {
    return undefined;
  }
}
