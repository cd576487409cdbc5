/**
 * Who a console user is. Identity pool credentials always carry the session name CognitoIdentityCredentials, so API
 * Gateway's `userArn` names the group's role, not the person; its `cognitoIdentity` (payload 2.0, IAM authorizer)
 * names the person: docs/console-callers-6.md.
 */

/** The session name Cognito identity pools give every session they open (enhanced flow). */
export const IDENTITY_POOL_SESSION_NAME = 'CognitoIdentityCredentials';

/** CONSOLE_IDENTITY_POOL_ID where no identity pool exists (the local stack): every Cognito caller is refused. */
export const NO_IDENTITY_POOL = 'none';

/** What API Gateway's IAM authorizer puts in `requestContext.authorizer.iam` (the fields read here). */
export interface IamAuthorizerContext {
  readonly userArn?: string | null;
  readonly cognitoIdentity?: {
    readonly amr?: readonly string[] | null;
    readonly identityId?: string | null;
    readonly identityPoolId?: string | null;
  } | null;
}

export type CallerPrincipal = { readonly ok: true; readonly arn: string } | { readonly ok: false; readonly reason: string };

/** `cognito-idp.<region>.amazonaws.com/<user pool id>:CognitoSignIn:<sub>`: the amr entry of a user pool sign-in. */
const USER_POOL_SIGN_IN = /^cognito-idp\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com\/[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+:CognitoSignIn:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The session ARN identity pool credentials produce: `arn:<partition>:sts::<account>:assumed-role/<role>/CognitoIdentityCredentials`. */
const IDENTITY_POOL_SESSION_ARN = new RegExp(`^arn:aws[a-z-]*:sts::\\d{12}:assumed-role/[\\w+=,.@-]{1,64}/${IDENTITY_POOL_SESSION_NAME}$`);

/**
 * The principal handlers authorize and record for a caller. Callers without a Cognito identity keep API Gateway's
 * `userArn` as it is. A user of this stack's identity pool, signed in through its user pool, is
 * `<assumed-role session ARN>/<user pool sub>`: the config's `assumed-role/<Role>/*` patterns still match it, and no
 * STS session name can contain `/`, so no plain role session can be named as that person. Another identity pool, an
 * unauthenticated (guest) identity, or an amr naming no single user pool sign-in is refused.
 */
export function callerPrincipal(iam: IamAuthorizerContext | null | undefined, identityPoolId: string): CallerPrincipal {
  const userArn = iam?.userArn;
  if (!userArn) return { ok: false, reason: 'the request carries no IAM identity' };
  const cognito = iam.cognitoIdentity;
  if (cognito === null || cognito === undefined) return { ok: true, arn: userArn };
  const signIn = 'sign in to the irdr console (its user pool), or call with IAM credentials of your own';
  if (identityPoolId === NO_IDENTITY_POOL || cognito.identityPoolId !== identityPoolId) {
    return { ok: false, reason: `the credentials come from the Cognito identity pool ${cognito.identityPoolId ?? '(none named)'}, not this irdr console's; ${signIn}` };
  }
  const amr = cognito.amr ?? [];
  if (!amr.includes('authenticated') || amr.includes('unauthenticated')) {
    return { ok: false, reason: `the credentials are of an unauthenticated (guest) Cognito identity, which names no person; ${signIn}` };
  }
  const subs = [...new Set(amr.flatMap((entry) => USER_POOL_SIGN_IN.exec(entry)?.[1] ?? []))];
  if (subs.length !== 1) {
    return { ok: false, reason: `the Cognito identity names ${subs.length === 0 ? 'no' : 'more than one'} user pool sign-in, so no one person; ${signIn}` };
  }
  if (!IDENTITY_POOL_SESSION_ARN.test(userArn)) {
    return { ok: false, reason: `a Cognito identity arrived with ${userArn}, not an identity pool session (assumed-role/<role>/${IDENTITY_POOL_SESSION_NAME}); ${signIn}` };
  }
  return { ok: true, arn: `${userArn}/${subs[0]}` };
}

/** `arn:…:assumed-role/<role>/CognitoIdentityCredentials/<sub>`, case aside: the role and the person of a console principal. */
const CONSOLE_PRINCIPAL = new RegExp(`^arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/${IDENTITY_POOL_SESSION_NAME}/([0-9a-f-]{36})$`, 'i');

/** The role and user pool sub a console user's principal names, or undefined for any other principal. */
export function consolePrincipalParts(principal: string): { readonly partition: string; readonly account: string; readonly role: string; readonly sub: string } | undefined {
  const match = CONSOLE_PRINCIPAL.exec(principal.trim());
  if (!match) return undefined;
  const [, partition, account, role, sub] = match as unknown as [string, string, string, string, string];
  return { partition, account, role, sub: sub.toLowerCase() };
}
