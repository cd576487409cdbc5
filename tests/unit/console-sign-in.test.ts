import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CognitoSession } from '../../console/src/auth/cognito-session.js';
import { addressWithoutCallback, beginSignIn, completeSignIn, emailOf, isSignInCallback, SignInError, type KeyValueStore } from '../../console/src/auth/cognito-sign-in.js';
import { identityPoolCredentials, IdentityPoolError } from '../../console/src/auth/identity-pool.js';
import { base64Url, codeChallengeOf, randomBase64Url } from '../../console/src/auth/pkce.js';

/**
 * The console's sign-in pieces (console/src/auth/): PKCE, the state check, the code exchange, the identity pool's
 * credentials. Cognito's two endpoints are played by small servers that check what Cognito checks (RFC 7636's
 * verifier against the challenge, the Logins map) and answer in the shapes AWS documents.
 */

const settings = {
  signInDomain: 'https://irdr-console-123456789012.auth.eu-west-1.amazoncognito.com',
  clientId: '1example23456789',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/',
  region: 'eu-west-1',
  identityPoolId: 'eu-west-1:4d1c2f3a-1111-2222-3333-444455556666',
  userPoolId: 'eu-west-1_EXAMPLE1',
};

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

/** An unsigned JWT with these claims (the console only reads the email, for display; the identity pool checks tokens). */
const idTokenWith = (claims: object) => `eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const ID_TOKEN = idTokenWith({ sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'cognito:groups': ['responder'], email: 'rita@example.com', token_use: 'id' });

/** The token endpoint as Cognito runs it for a public client: the code once, for the verifier whose S256 was sent (RFC 7636 4.6). */
function tokenEndpoint(authorizeUrl: string) {
  const authorize = new URL(authorizeUrl).searchParams;
  const code = 'c0de-from-the-hosted-page';
  const requests: Array<{ url: string; form: URLSearchParams }> = [];
  let used = false;
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const form = new URLSearchParams(String(init?.body));
    requests.push({ url: String(url), form });
    const verifier = form.get('code_verifier') ?? '';
    const valid =
      init?.method === 'POST' &&
      String(url) === `${settings.signInDomain}/oauth2/token` &&
      form.get('grant_type') === 'authorization_code' &&
      form.get('client_id') === settings.clientId &&
      form.get('redirect_uri') === authorize.get('redirect_uri') &&
      form.get('code') === code &&
      !used &&
      createHash('sha256').update(verifier).digest('base64url') === authorize.get('code_challenge');
    if (!valid) return Response.json({ error: 'invalid_grant' }, { status: 400 });
    used = true;
    // Cognito Developer Guide, "The token endpoint": the answer to an authorization-code exchange.
    return Response.json({ access_token: 'eyJra1example.access', id_token: ID_TOKEN, refresh_token: 'eyJj1example.refresh', token_type: 'Bearer', expires_in: 3600 });
  }) as typeof fetch;
  return { code, requests, fetchFn };
}

describe('PKCE', () => {
  it("makes the S256 challenge of RFC 7636's published example", async () => {
    // RFC 7636 Appendix B: 32 octets, their base64url (the verifier), its S256 challenge.
    const octets = Uint8Array.from([116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]);
    expect(base64Url(octets)).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, a new one each time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => randomBase64Url()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('sign-in with the hosted pages (authorization code + PKCE)', () => {
  it('sends the challenge and a state, never the verifier; the answer with that state and code gives tokens', async () => {
    const store = new MemoryStore();
    const authorizeUrl = await beginSignIn(settings, store);
    const authorize = new URL(authorizeUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${settings.signInDomain}/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', client_id: settings.clientId, redirect_uri: settings.redirectUri, code_challenge_method: 'S256', scope: 'openid email' });
    const pending = JSON.parse([...store.items.values()][0]!) as { state: string; verifier: string };
    expect(authorize.searchParams.get('state')).toBe(pending.state);
    expect(authorizeUrl).not.toContain(pending.verifier);
    expect(authorize.searchParams.has('identity_provider')).toBe(false);

    const { code, requests, fetchFn } = tokenEndpoint(authorizeUrl);
    const callback = `${settings.redirectUri}?code=${code}&state=${pending.state}`;
    expect(isSignInCallback(callback)).toBe(true);
    const tokens = await completeSignIn(settings, callback, store, fetchFn);
    expect(tokens).toMatchObject({ idToken: ID_TOKEN, accessToken: 'eyJra1example.access', refreshToken: 'eyJj1example.refresh' });
    expect(emailOf(tokens.idToken)).toBe('rita@example.com');
    // Tokens come back in a POST answer; the exchange itself puts nothing in a URL.
    expect(requests.map((request) => new URL(request.url).search)).toEqual(['']);
    expect(store.items.size).toBe(0);
  });

  it('leaves neither the code nor the state in the address after the answer (tokens are never in it)', () => {
    const callback = `${settings.redirectUri}?code=c0de&state=st4te#/incidents`;
    const cleaned = addressWithoutCallback(callback);
    expect(cleaned).toBe(`${settings.redirectUri}#/incidents`);
    expect(isSignInCallback(cleaned)).toBe(false);
  });

  it('goes straight to the federated IdP when one is configured', async () => {
    const url = new URL(await beginSignIn({ ...settings, identityProvider: 'CompanySAML' }, new MemoryStore()));
    expect(url.searchParams.get('identity_provider')).toBe('CompanySAML');
  });

  it("refuses an answer whose state is not this tab's (CSRF): no code is exchanged, and the attempt is used up", async () => {
    const store = new MemoryStore();
    const authorizeUrl = await beginSignIn(settings, store);
    const { state } = JSON.parse([...store.items.values()][0]!) as { state: string };
    const { code, requests, fetchFn } = tokenEndpoint(authorizeUrl);
    // An attacker's own code and state, planted in a link the victim opens while signing in.
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=attackers-code&state=attackers-state`, store, fetchFn)).rejects.toThrow(SignInError);
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=attackers-code&state=attackers-state`, store, fetchFn)).rejects.toThrow(/not asked for by this tab/);
    // The genuine answer arriving after the forged one is refused too: one answer per attempt.
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=${code}&state=${state}`, store, fetchFn)).rejects.toThrow(/not asked for by this tab/);
    expect(requests).toEqual([]);
  });

  it('refuses an answer in a tab that never started a sign-in (a planted callback link), and one with no state', async () => {
    const { fetchFn, requests } = tokenEndpoint(await beginSignIn(settings, new MemoryStore()));
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=c0de&state=anything`, new MemoryStore(), fetchFn)).rejects.toThrow(/not asked for by this tab/);
    const store = new MemoryStore();
    await beginSignIn(settings, store);
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=c0de`, store, fetchFn)).rejects.toThrow(/not asked for by this tab/);
    expect(requests).toEqual([]);
  });

  it('says why when the hosted pages refuse (error=access_denied) or the token endpoint does (a code replayed)', async () => {
    const store = new MemoryStore();
    const authorizeUrl = await beginSignIn(settings, store);
    const { state } = JSON.parse([...store.items.values()][0]!) as { state: string };
    await expect(completeSignIn(settings, `${settings.redirectUri}?error=access_denied&error_description=User+is+disabled&state=${state}`, store)).rejects.toThrow(/access_denied: User is disabled/);

    const { code, fetchFn } = tokenEndpoint(authorizeUrl);
    const again = new MemoryStore();
    const secondUrl = await beginSignIn(settings, again);
    const second = JSON.parse([...again.items.values()][0]!) as { state: string };
    // The right state but another attempt's challenge: the verifier does not match, as Cognito would refuse it.
    expect(new URL(secondUrl).searchParams.get('code_challenge')).not.toBe(new URL(authorizeUrl).searchParams.get('code_challenge'));
    await expect(completeSignIn(settings, `${settings.redirectUri}?code=${code}&state=${second.state}`, again, fetchFn)).rejects.toThrow(/invalid_grant/);
  });
});

describe('identity pool credentials (GetId, GetCredentialsForIdentity)', () => {
  const logins = `cognito-idp.eu-west-1.amazonaws.com/${settings.userPoolId}`;
  /** Amazon Cognito Identity at the wire (AWS JSON 1.1), as its API reference shows the two calls. */
  function cognitoIdentity(refuse?: { __type: string; message: string }) {
    const calls: string[] = [];
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      const headers = init?.headers as Record<string, string>;
      const target = headers['x-amz-target'] ?? '';
      const body = JSON.parse(String(init?.body)) as { IdentityPoolId?: string; IdentityId?: string; Logins?: Record<string, string> };
      calls.push(target);
      if (String(url) !== 'https://cognito-identity.eu-west-1.amazonaws.com/' || headers['content-type'] !== 'application/x-amz-json-1.1' || body.Logins?.[logins] !== ID_TOKEN) {
        return Response.json({ __type: 'NotAuthorizedException', message: 'Invalid login token.' }, { status: 400 });
      }
      if (target === 'AWSCognitoIdentityService.GetId' && body.IdentityPoolId === settings.identityPoolId) return Response.json({ IdentityId: 'eu-west-1:11111111-2222-3333-4444-555555555555' });
      if (refuse) return Response.json(refuse, { status: 400 });
      if (target === 'AWSCognitoIdentityService.GetCredentialsForIdentity' && body.IdentityId === 'eu-west-1:11111111-2222-3333-4444-555555555555') {
        return Response.json({
          Credentials: { AccessKeyId: 'ASIAIOSFODNN7EXAMPLE', Expiration: 1_796_000_000, SecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' },
          IdentityId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
        });
      }
      return Response.json({ __type: 'ResourceNotFoundException', message: 'not found' }, { status: 400 });
    }) as typeof fetch;
    return { calls, fetchFn };
  }

  it("exchanges the user pool's ID token for the group role's temporary credentials", async () => {
    const { calls, fetchFn } = cognitoIdentity();
    const credentials = await identityPoolCredentials(settings, ID_TOKEN, fetchFn);
    expect(calls).toEqual(['AWSCognitoIdentityService.GetId', 'AWSCognitoIdentityService.GetCredentialsForIdentity']);
    expect(credentials).toEqual({ accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE', expiration: new Date(1_796_000_000_000), identityId: 'eu-west-1:11111111-2222-3333-4444-555555555555' });
  });

  it('tells a user in no group (or two: the role mapping denies) to ask for exactly one, and a bad token to sign in again', async () => {
    const noRole = cognitoIdentity({ __type: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' });
    await expect(identityPoolCredentials(settings, ID_TOKEN, noRole.fetchFn)).rejects.toThrow(/in no irdr console group or in more than one/);
    await expect(identityPoolCredentials(settings, idTokenWith({ email: 'forged@example.com' }), cognitoIdentity().fetchFn)).rejects.toThrow(IdentityPoolError);
  });

  it('a session renews the credentials once for all waiting calls, before they lapse, refreshing the tokens first when they have', async () => {
    let now = 1_796_000_000_000 - 60 * 60_000;
    const { calls, fetchFn: identity } = cognitoIdentity();
    const refreshes: string[] = [];
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url).endsWith('/oauth2/token')) {
        refreshes.push(new URLSearchParams(String(init?.body)).get('grant_type') ?? '');
        return Response.json({ access_token: 'eyJra1example.access2', id_token: ID_TOKEN, token_type: 'Bearer', expires_in: 3600 });
      }
      return identity(url, init);
    }) as typeof fetch;
    const session = new CognitoSession(settings, { idToken: ID_TOKEN, accessToken: 'a', refreshToken: 'r', expiresAt: new Date(now + 60 * 60_000) }, fetchFn, () => now);
    expect(session.who).toBe('rita@example.com');
    await Promise.all([session.credentials(), session.credentials(), session.credentials()]);
    expect(calls).toHaveLength(2);
    await session.credentials();
    expect(calls).toHaveLength(2);
    // Four minutes before both lapse: new tokens (refresh_token grant), then new credentials.
    now = 1_796_000_000_000 - 4 * 60_000;
    await session.credentials();
    expect(refreshes).toEqual(['refresh_token']);
    expect(calls).toHaveLength(4);
  });
});
