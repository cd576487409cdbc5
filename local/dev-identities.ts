import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RoleName } from '../functions/domain/config-schema.js';

/** The account every local resource lives in (the same as stack-config's LOCAL_ACCOUNT_ID). */
const DEV_ACCOUNT_ID = '000000000000';
/** A made-up AWS Organizations id, so handlers that read principalOrgId see one. */
const DEV_ORG_ID = 'o-irdrlocal00';

/**
 * A person the local HTTP API can stand in for. API Gateway's IAM authorizer would derive these
 * fields from a SigV4 signature; locally a bearer token made for this identity at stack start ({@link DevTokens}) names them.
 */
export interface DevIdentity {
  /** What people and tests call this identity (`dev-responder`, ...); never itself a token. */
  readonly name: string;
  readonly displayName: string;
  /** The roles (from config/irdr.config.json) this person acts in, for the README and the CLI. */
  readonly roles: readonly RoleName[];
  readonly accountId: string;
  /** IAM user ARN, what handlers see as requestContext.authorizer.iam.userArn. */
  readonly userArn: string;
  /** The IAM user's unique id (AIDA…); for an IAM user it is also the caller id. */
  readonly userId: string;
  readonly callerId: string;
  /** The access key id (AKIA…) the request would have been signed with. */
  readonly accessKey: string;
  readonly principalOrgId: string;
}

function devIdentity(name: string, userName: string, displayName: string, roles: readonly RoleName[], serial: number): DevIdentity {
  // Ids keep AWS's shapes (AIDA + 17, AKIA + 16 upper-case characters) so validators that check them pass.
  const suffix = userName.replace(/[^a-z]/gi, '').toUpperCase();
  const userId = `AIDA${`LOCAL${serial}${suffix}`.padEnd(17, 'X').slice(0, 17)}`;
  return {
    name,
    displayName,
    roles,
    accountId: DEV_ACCOUNT_ID,
    userArn: `arn:aws:iam::${DEV_ACCOUNT_ID}:user/${userName}`,
    userId,
    callerId: userId,
    accessKey: `AKIA${`LOCAL${serial}${suffix}`.padEnd(16, 'X').slice(0, 16)}`,
    principalOrgId: DEV_ORG_ID,
  };
}

/** The named people of the local stack; the first is the one examples use. */
export const devIdentities: readonly DevIdentity[] = [
  devIdentity('dev-responder', 'rita-responder', 'Rita (on-call responder)', ['responder'], 1),
  devIdentity('dev-commander', 'carl-commander', 'Carl (incident commander)', ['commander'], 2),
  devIdentity('dev-approver', 'ada-approver', 'Ada (security lead, approves)', ['approver'], 3),
  devIdentity('dev-auditor', 'otto-auditor', 'Otto (compliance auditor, read-only)', ['auditor'], 4),
  devIdentity('dev-admin', 'ana-admin', 'Ana (acts in every role)', ['responder', 'commander', 'approver', 'auditor'], 5),
  // Signed in, as an IAM caller of the API would be, yet in no irdr role: every route refuses them.
  devIdentity('dev-outsider', 'oz-outsider', 'Oz (an IAM user in no irdr role)', [], 6),
];

/** The identity called `name` (dev-responder, ...), or undefined for a name no one has. */
export function devIdentityNamed(name: string): DevIdentity | undefined {
  return devIdentities.find((identity) => identity.name === name);
}

/** `IRDR_TOKEN_RESPONDER` for dev-responder: where `irdr local env` exports that identity's token. */
export const devTokenVariable = (identity: DevIdentity): string => `IRDR_TOKEN_${identity.name.replace(/^dev-/, '').toUpperCase()}`;
/** The identity whose token `irdr local env` also exports as IRDR_TOKEN: it acts in every role, so every README step works. */
export const DEFAULT_DEV_IDENTITY_NAME = 'dev-admin';

/**
 * The bearer tokens of one stack start, one per dev identity: random (`dev-admin.<24 random bytes>`), so a token
 * written in a README, a test or a DNS-rebinding page (`dev-admin`) opens nothing, and yesterday's neither.
 */
export class DevTokens {
  private constructor(private readonly tokenByName: ReadonlyMap<string, string>) {}

  /** Fresh tokens for every dev identity. */
  static generate(): DevTokens {
    return new DevTokens(new Map(devIdentities.map((identity) => [identity.name, `${identity.name}.${randomBytes(24).toString('base64url')}`])));
  }

  /** The token of the identity called `name`; throws for a name no identity has. */
  tokenOf(name: string): string {
    const token = this.tokenByName.get(name);
    if (token === undefined) throw new Error(`no dev identity is called ${name}; they are ${devIdentities.map((identity) => identity.name).join(', ')}`);
    return token;
  }

  /** A dev identity's name as its token of this start (tests and people call identities by name); any other text unchanged. */
  tokenForName(nameOrToken: string): string {
    return this.tokenByName.get(nameOrToken) ?? nameOrToken;
  }

  /** The identity a bearer token stands for, or undefined for a token this start did not make. */
  identityFor(token: string): DevIdentity | undefined {
    const offered = Buffer.from(token);
    return devIdentities.find((identity) => {
      const expected = Buffer.from(this.tokenOf(identity.name));
      return expected.length === offered.length && timingSafeEqual(expected, offered);
    });
  }

  /** What `irdr local env` exports: IRDR_TOKEN (the admin) and IRDR_TOKEN_<NAME> per identity. */
  environment(): Record<string, string> {
    return {
      IRDR_TOKEN: this.tokenOf(DEFAULT_DEV_IDENTITY_NAME),
      ...Object.fromEntries(devIdentities.map((identity) => [devTokenVariable(identity), this.tokenOf(identity.name)])),
    };
  }
}

/** The identity behind an IAM user ARN, e.g. to show a name for the caller a record names. */
export function devIdentityForArn(userArn: string): DevIdentity | undefined {
  return devIdentities.find((identity) => identity.userArn === userArn);
}

/** The dev identity acting in this one role only (e.g. the auditor the review pages read as). */
export function devIdentityOnlyIn(role: RoleName): DevIdentity {
  const identity = devIdentities.find((candidate) => candidate.roles.length === 1 && candidate.roles[0] === role);
  if (!identity) throw new Error(`no dev identity acts in ${role} alone`);
  return identity;
}
