import { requireEnvironment } from '../aws/environment.js';
import type { RoleName } from '../domain/config-schema.js';
import { RolePrincipals, authorize, rolesOf, type ApiAction } from '../domain/roles.js';
import { HttpError } from './http-errors.js';
import { callerArn, type ApiEvent } from './http-shell.js';

/** Read once per container; lib/ fills it from config, the local stack from config and its dev identities. */
export const rolePrincipals = RolePrincipals.parse(JSON.parse(requireEnvironment('ROLE_PRINCIPALS')));
/** This stack's console identity pool: only its signed-in users are taken as Cognito callers (`none` locally). */
const consoleIdentityPoolId = requireEnvironment('CONSOLE_IDENTITY_POOL_ID');

export interface AuthorizedCaller {
  /** The caller's IAM principal ARN: the actor the trail records. */
  readonly arn: string;
  readonly roles: readonly RoleName[];
}

/** The caller, if one of their roles may take `action`; otherwise a 403 that names the role needed. */
export function requireRole(event: ApiEvent, action: ApiAction): AuthorizedCaller {
  const arn = callerArn(event, consoleIdentityPoolId);
  const decision = authorize(action, arn, rolesOf(arn, rolePrincipals));
  if (!decision.allowed) throw new HttpError(403, decision.reason);
  return { arn, roles: decision.roles };
}
