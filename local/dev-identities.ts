import type { RoleName } from '../functions/domain/config-schema.js';

/** The account every local resource lives in (the same as stack-config's LOCAL_ACCOUNT_ID). */
const DEV_ACCOUNT_ID = '000000000000';
/** A made-up AWS Organizations id, so handlers that read principalOrgId see one. */
const DEV_ORG_ID = 'o-irdrlocal00';

/**
 * A person the local HTTP API can stand in for. API Gateway's IAM authorizer would derive these
 * fields from a SigV4 signature; locally the bearer token names them instead.
 */
export interface DevIdentity {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
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

function devIdentity(token: string, userName: string, displayName: string, roles: readonly RoleName[], serial: number): DevIdentity {
  // Ids keep AWS's shapes (AIDA + 17, AKIA + 16 upper-case characters) so validators that check them pass.
  const suffix = userName.replace(/[^a-z]/gi, '').toUpperCase();
  const userId = `AIDA${`LOCAL${serial}${suffix}`.padEnd(17, 'X').slice(0, 17)}`;
  return {
    token,
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

/** The identity a bearer token names, or undefined for a token no one holds. */
export function devIdentityForToken(token: string): DevIdentity | undefined {
  return devIdentities.find((identity) => identity.token === token);
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
