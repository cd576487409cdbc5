import { emailOf, refreshSignIn, type SignInSettings, type UserPoolTokens } from './cognito-sign-in.js';
import { identityPoolCredentials, type IdentityPoolCredentials, type IdentityPoolSettings } from './identity-pool.js';

/** Renew this long before anything expires, so no call is signed with credentials that lapse on the way. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * A signed-in tab: the user pool's tokens and the role's credentials, in memory only (a reload signs in again, silently
 * while the hosted pages' session lasts). Credentials are renewed before they lapse, once for all calls waiting.
 */
export class CognitoSession {
  private tokens: UserPoolTokens;
  private current: IdentityPoolCredentials | undefined;
  private renewing: Promise<IdentityPoolCredentials> | undefined;

  constructor(
    private readonly settings: SignInSettings & IdentityPoolSettings,
    tokens: UserPoolTokens,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = tokens;
  }

  get who(): string {
    return emailOf(this.tokens.idToken) ?? 'signed-in user';
  }

  async credentials(): Promise<IdentityPoolCredentials> {
    if (this.current && this.current.expiration.getTime() - this.now() > RENEW_BEFORE_MS) return this.current;
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(): Promise<IdentityPoolCredentials> {
    if (this.tokens.expiresAt.getTime() - this.now() <= RENEW_BEFORE_MS) {
      if (!this.tokens.refreshToken) throw new Error('the sign-in has expired: sign in again');
      this.tokens = await refreshSignIn(this.settings, this.tokens.refreshToken, this.fetchFn);
    }
    this.current = await identityPoolCredentials(this.settings, this.tokens.idToken, this.fetchFn);
    return this.current;
  }
}
