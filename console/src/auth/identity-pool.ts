import type { AwsCredentials } from './sigv4.js';

/*
 * The identity pool's two public calls (no AWS credentials needed: the user pool's ID token is the proof), made as the
 * SDK makes them (AWS JSON 1.1) rather than with the whole Cognito Identity client in the bundle.
 */

export interface IdentityPoolSettings {
  readonly region: string;
  readonly identityPoolId: string;
  readonly userPoolId: string;
}

export interface IdentityPoolCredentials extends AwsCredentials {
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly identityId: string;
}

/** GetId then GetCredentialsForIdentity: the credentials of the role the user's Cognito group maps to. */
export async function identityPoolCredentials(settings: IdentityPoolSettings, idToken: string, fetchFn: typeof fetch = fetch): Promise<IdentityPoolCredentials> {
  // The provider name is the user pool's issuer without https:// (Cognito Developer Guide, "Logins map").
  const logins = { [`cognito-idp.${settings.region}.amazonaws.com/${settings.userPoolId}`]: idToken };
  const { IdentityId } = await call<{ IdentityId: string }>(settings.region, 'GetId', { IdentityPoolId: settings.identityPoolId, Logins: logins }, fetchFn);
  const answer = await call<{ IdentityId: string; Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number } }>(
    settings.region,
    'GetCredentialsForIdentity',
    { IdentityId, Logins: logins },
    fetchFn,
  );
  const { AccessKeyId, SecretKey, SessionToken, Expiration } = answer.Credentials;
  // Expiration is epoch seconds in AWS JSON 1.1.
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretKey, sessionToken: SessionToken, expiration: new Date(Expiration * 1000), identityId: answer.IdentityId };
}

/** What a refusal means for the person at the browser. */
export class IdentityPoolError extends Error {}

async function call<T>(region: string, operation: string, body: unknown, fetchFn: typeof fetch): Promise<T> {
  const response = await fetchFn(`https://cognito-identity.${region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${operation}` },
    body: JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const answer = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (response.ok) return answer;
  const type = (answer.__type ?? '').split('#').pop() ?? '';
  if (type === 'InvalidIdentityPoolConfigurationException' || (type === 'NotAuthorizedException' && /role/i.test(answer.message ?? ''))) {
    throw new IdentityPoolError('you are signed in, but in no irdr console group or in more than one (responder, commander, approver, auditor): ask an administrator to put you in exactly one');
  }
  if (type === 'NotAuthorizedException') throw new IdentityPoolError(`the identity pool refused the sign-in (${answer.message ?? type}): sign in again`);
  throw new IdentityPoolError(`${operation} failed (${type || response.status}${answer.message ? `: ${answer.message}` : ''})`);
}
