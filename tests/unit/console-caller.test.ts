import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorLabel } from '../../console/src/actor.js';
import { callerPrincipal, NO_IDENTITY_POOL } from '../../functions/domain/console-caller.js';
import { closeRefusal, type CorrectiveActionRecord } from '../../functions/domain/corrective-action.js';
import { actingIdentity, incidentParticipants, selfSignOffRefusal } from '../../functions/domain/evidence/separation-of-duties.js';
import { rolesOf, type RolePrincipals } from '../../functions/domain/roles.js';
import { apiHandler, jsonResponse, type ApiEvent } from '../../functions/http/http-shell.js';

/*
 * A console user as API Gateway (HTTP API, payload 2.0, IAM authorizer) hands them to a function: requestContext.authorizer.iam
 * as aws-lambda-go's events/testdata/apigw-v2-request-iam.json lays it out, its amr as Cognito documents it ("authenticated"
 * and the providers used: the user pool, and `<pool provider>:CognitoSignIn:<sub>`, as REST's cognitoAuthenticationProvider
 * shows them), its userArn the session identity pool credentials always carry.
 */
const POOL = 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce';
const PROVIDER = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_aBcDeF123';
const RITA = '57e7b692-4f66-480d-98b8-45a6729b4c88';
const RAJ = '0f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/CognitoIdentityCredentials';
const COMMANDER_SESSION = 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/CognitoIdentityCredentials';

function iamAuthorizer(options: { sub?: string; userArn?: string; pool?: string; amr?: string[] } = {}) {
  return {
    accessKey: 'ASIA2ZJZYVUEREEIHAKY',
    accountId: '123456789012',
    callerId: 'AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials',
    cognitoIdentity: {
      amr: options.amr ?? ['authenticated', PROVIDER, `${PROVIDER}:CognitoSignIn:${options.sub ?? RITA}`],
      identityId: 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce',
      identityPoolId: options.pool ?? POOL,
    },
    principalOrgId: null,
    userArn: options.userArn ?? SESSION,
    userId: 'AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials',
  };
}

function apiEvent(iam: unknown): ApiEvent {
  return {
    version: '2.0',
    routeKey: 'POST /incidents',
    rawPath: '/incidents',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authorizer: { iam },
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'POST', path: '/incidents', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'Mozilla/5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /incidents',
      stage: '$default',
      time: '07/Dec/2026:15:30:00 +0000',
      timeEpoch: 1796657400000,
    },
    isBase64Encoded: false,
  } as unknown as ApiEvent;
}

const config: RolePrincipals = {
  responder: ['arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'],
  commander: ['arn:aws:sts::123456789012:assumed-role/IncidentCommander/*'],
  approver: ['arn:aws:sts::123456789012:assumed-role/SecurityLead/*'],
  auditor: ['arn:aws:sts::123456789012:assumed-role/ComplianceAuditor/*'],
};

const principalOf = (iam: unknown, pool = POOL) => callerPrincipal(iam as Parameters<typeof callerPrincipal>[0], pool);

describe('a console user is named by their person', () => {
  it('appends the user pool sub to the identity pool session: two members of one group are two principals, each still in that role only', () => {
    const rita = principalOf(iamAuthorizer({ sub: RITA }));
    const raj = principalOf(iamAuthorizer({ sub: RAJ }));
    expect(rita).toEqual({ ok: true, arn: `${SESSION}/${RITA}` });
    expect(raj).toEqual({ ok: true, arn: `${SESSION}/${RAJ}` });
    expect(rolesOf(`${SESSION}/${RITA}`, config)).toEqual(['responder']);
    expect(actingIdentity(`${SESSION}/${RITA}`)).not.toBe(actingIdentity(`${SESSION}/${RAJ}`));
  });

  it('refuses credentials of another identity pool, also where no identity pool exists (locally)', () => {
    const foreign = principalOf(iamAuthorizer({ pool: 'us-east-1:99999999-8703-466b-8f2b-3ecee1ca56ce' }));
    expect(foreign).toMatchObject({ ok: false, reason: expect.stringMatching(/identity pool us-east-1:99999999-.* not this irdr console's; sign in to the irdr console/) });
    expect(principalOf(iamAuthorizer(), NO_IDENTITY_POOL).ok).toBe(false);
    // An identity with no pool named at all is not this one either.
    expect(principalOf({ ...iamAuthorizer(), cognitoIdentity: { amr: ['authenticated'], identityId: null, identityPoolId: null } }).ok).toBe(false);
  });

  it('refuses an unauthenticated (guest) identity and an amr naming no single user pool sign-in', () => {
    expect(principalOf(iamAuthorizer({ amr: ['unauthenticated'] }))).toMatchObject({ ok: false, reason: expect.stringContaining('unauthenticated (guest)') });
    // A guest amr that also carries a sign-in entry is still a guest.
    expect(principalOf(iamAuthorizer({ amr: ['unauthenticated', `${PROVIDER}:CognitoSignIn:${RITA}`] })).ok).toBe(false);
    // Signed in, but through a provider the pool does not hand to users (a social login): no sub of ours.
    expect(principalOf(iamAuthorizer({ amr: ['authenticated', 'graph.facebook.com', 'graph.facebook.com:10205020010203'] }))).toMatchObject({ ok: false, reason: expect.stringContaining('names no user pool sign-in') });
    // Two people in one amr name no one person.
    expect(principalOf(iamAuthorizer({ amr: ['authenticated', `${PROVIDER}:CognitoSignIn:${RITA}`, `${PROVIDER}:CognitoSignIn:${RAJ}`] }))).toMatchObject({ ok: false, reason: expect.stringContaining('more than one') });
    // A sub with something after it, or a session name smuggled in, is not a sub.
    expect(principalOf(iamAuthorizer({ amr: ['authenticated', `${PROVIDER}:CognitoSignIn:${RITA}/x`] })).ok).toBe(false);
    expect(principalOf(iamAuthorizer({ amr: ['authenticated', `${PROVIDER}:CognitoSignIn:carl`] })).ok).toBe(false);
  });

  it('refuses a Cognito identity that arrives with another session than the identity pool\'s', () => {
    expect(principalOf(iamAuthorizer({ userArn: 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/rita' })).ok).toBe(false);
    expect(principalOf(iamAuthorizer({ userArn: 'arn:aws:iam::123456789012:user/rita' })).ok).toBe(false);
  });

  it('keeps every other caller exactly as API Gateway names them, a role session named like a sub included', () => {
    for (const userArn of [
      'arn:aws:iam::123456789012:user/rita-responder',
      'arn:aws:sts::123456789012:assumed-role/SecurityResponder/rita',
      `arn:aws:sts::123456789012:assumed-role/SecurityResponder/${RITA}`,
      SESSION,
    ]) {
      expect(principalOf({ accountId: '123456789012', cognitoIdentity: null, userArn })).toEqual({ ok: true, arn: userArn });
    }
    expect(principalOf({ accountId: '123456789012', cognitoIdentity: null, userArn: '' })).toEqual({ ok: false, reason: 'the request carries no IAM identity' });
    // Whoever named their own session after Rita's sub is that role's session, not Rita.
    expect(actingIdentity(`arn:aws:sts::123456789012:assumed-role/SecurityResponder/${RITA}`)).not.toBe(actingIdentity(`${SESSION}/${RITA}`));
  });
});

describe('the API shell and the role check with a console user', () => {
  const context = { awsRequestId: 'req-1' } as Context;
  let handler: (event: ApiEvent) => Promise<{ statusCode?: number; body?: string }>;

  beforeAll(async () => {
    process.env.ROLE_PRINCIPALS = JSON.stringify(config);
    process.env.CONSOLE_IDENTITY_POOL_ID = POOL;
    const { requireRole } = await import('../../functions/http/authorization.js');
    const shell = apiHandler(async (event) => jsonResponse(200, requireRole(event, 'openIncident')));
    handler = (event) => shell(event, context) as Promise<{ statusCode?: number; body?: string }>;
  });

  it('authorizes and records the person; refuses another pool and a guest with a 403 that says what to do', async () => {
    const rita = await handler(apiEvent(iamAuthorizer({ sub: RITA })));
    expect(rita.statusCode).toBe(200);
    expect(JSON.parse(rita.body!)).toEqual({ arn: `${SESSION}/${RITA}`, roles: ['responder'] });
    for (const refused of [iamAuthorizer({ pool: 'eu-west-1:4f291106-8703-466b-8f2b-3ecee1ca56ce' }), iamAuthorizer({ amr: ['unauthenticated'] })]) {
      const answer = await handler(apiEvent(refused));
      expect(answer.statusCode).toBe(403);
      expect(JSON.parse(answer.body!).message).toContain('sign in to the irdr console');
    }
    // An IAM caller is as before.
    const iamUser = await handler(apiEvent({ accountId: '123456789012', cognitoIdentity: null, userArn: 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl' }));
    expect(JSON.parse(iamUser.body!)).toEqual({ arn: 'arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl', roles: ['commander'] });
  });
});

describe('separation of duties between console users', () => {
  const ritaCommander = `${COMMANDER_SESSION}/${RITA}`;
  const rajCommander = `${COMMANDER_SESSION}/${RAJ}`;

  it('lets a second commander sign off what the first ran, and refuses the first whichever group she signs in through', () => {
    const ranByRita = incidentParticipants({ openedBy: `${SESSION}/${RITA}`, resolvedBy: ritaCommander });
    expect(selfSignOffRefusal(rajCommander, ranByRita, 'incident')).toBeUndefined();
    expect(selfSignOffRefusal(ritaCommander, ranByRita, 'incident')).toContain(`${ritaCommander} opened and resolved this incident`);
    expect(selfSignOffRefusal(`arn:aws:sts::123456789012:assumed-role/ComplianceAuditor/CognitoIdentityCredentials/${RITA.toUpperCase()}`, ranByRita, 'incident')).toBeDefined();
  });

  it('closes a corrective action for its owner only, not for another member of the owner\'s group', () => {
    const action = { actionId: 'CA-1', status: 'open', owner: { email: 'rita@example.com', name: 'Rita', principal: `${SESSION}/${RITA}` } } as CorrectiveActionRecord;
    const same = (a: string, b: string) => actingIdentity(a) === actingIdentity(b);
    expect(closeRefusal(action, { arn: `${SESSION}/${RITA}`, roles: ['responder'] }, same)).toBeUndefined();
    expect(closeRefusal(action, { arn: `${SESSION}/${RAJ}`, roles: ['responder'] }, same)).toMatchObject({ status: 403 });
    // Nor for the shared session every console user carried before (no person).
    expect(closeRefusal(action, { arn: SESSION, roles: ['responder'] }, same)).toMatchObject({ status: 403 });
  });
});

describe('the console names who acted', () => {
  it('shows a console user as their sub and group role, and every other actor as recorded', () => {
    expect(actorLabel(`${SESSION}/${RITA}`)).toBe(`console user ${RITA} (SecurityResponder)`);
    for (const actor of ['arn:aws:iam::000000000000:user/rita-responder', SESSION, `arn:aws:sts::123456789012:assumed-role/SecurityResponder/${RITA}`, 'email:rita@example.com']) {
      expect(actorLabel(actor)).toBe(actor);
    }
  });
});
