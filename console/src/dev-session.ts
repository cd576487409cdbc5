import type { SignRequest } from './api.js';

/*
 * The local stack's sign-in: the URL `npm start` prints carries a key for this start in its fragment (never sent to
 * a server, never in a Referer); with it the console reads the dev identities and their bearer tokens, as
 * `irdr local env` reads them from local-stack.json. The API checks the token on every call, as ever.
 */

export interface DevIdentityChoice {
  readonly name: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly token: string;
}

const KEY_ITEM = 'irdr.console.key';
const IDENTITY_ITEM = 'irdr.console.identity';

/** Takes the key out of the address (`#key=…`) into this tab's session storage, so a shared or bookmarked link has none. */
export function takeKeyFromAddress(): void {
  const match = /^#key=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY_ITEM, match[1]!);
  history.replaceState(null, '', `${location.pathname}${location.search}#/incidents`);
}

export async function listDevIdentities(apiUrl: string): Promise<DevIdentityChoice[]> {
  const key = sessionStorage.getItem(KEY_ITEM);
  if (!key) throw new Error('open the console through the address `npm start` printed (it carries this start\'s key), or run `npx irdr local env` and use IRDR_CONSOLE_URL');
  const response = await fetch(`${apiUrl}/console/dev-identities`, { headers: { authorization: `Bearer ${key}` }, credentials: 'omit', cache: 'no-store' });
  if (!response.ok) throw new Error(`the local stack refused this start's key (${response.status}): it was restarted; open the address it printed now`);
  return ((await response.json()) as { identities: DevIdentityChoice[] }).identities;
}

export function chosenIdentity(): DevIdentityChoice | undefined {
  const stored = sessionStorage.getItem(IDENTITY_ITEM);
  return stored ? (JSON.parse(stored) as DevIdentityChoice) : undefined;
}

export function chooseIdentity(identity: DevIdentityChoice | undefined): void {
  if (identity) sessionStorage.setItem(IDENTITY_ITEM, JSON.stringify(identity));
  else sessionStorage.removeItem(IDENTITY_ITEM);
}

/** Signs as the chosen identity: `Authorization: Bearer <its token of this start>`, what the CLI and curl send. */
export const bearerSigner =
  (identity: DevIdentityChoice): SignRequest =>
  async ({ headers }) => ({ ...headers, authorization: `Bearer ${identity.token}` });
