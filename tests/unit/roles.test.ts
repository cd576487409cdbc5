import { describe, expect, it } from 'vitest';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { authorize, principalMatches, rolePrincipalsFromConfig, rolesOf, withRolePrincipals, type RolePrincipals } from '../../functions/domain/roles.js';

const rolePrincipals: RolePrincipals = {
  responder: ['arn:aws:sts::123456789012:assumed-role/SecurityResponder/*', 'arn:aws:iam::123456789012:user/rita'],
  commander: ['arn:aws:sts::123456789012:assumed-role/IncidentCommander/*'],
  approver: [],
  auditor: ['arn:aws:sts::*:assumed-role/ComplianceAuditor/*', 'arn:aws:iam::123456789012:user/rita'],
};

describe('principalMatches', () => {
  it('treats * as any run of characters, slashes and colons included, and everything else literally', () => {
    expect(principalMatches('arn:aws:sts::123456789012:assumed-role/SecurityResponder/rita@example.com', 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/*')).toBe(true);
    expect(principalMatches('arn:aws:sts::123456789012:assumed-role/SecurityResponder/a/b', 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/*')).toBe(true);
    expect(principalMatches('arn:aws:sts::123456789012:assumed-role/SecurityResponderX/s', 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/*')).toBe(false);
    expect(principalMatches('arn:aws:sts::999999999999:assumed-role/SecurityResponder/s', 'arn:aws:sts::123456789012:assumed-role/SecurityResponder/*')).toBe(false);
    expect(principalMatches('arn:aws:iam::123456789012:user/rita', 'arn:aws:iam::123456789012:user/rita')).toBe(true);
    expect(principalMatches('arn:aws:iam::123456789012:user/ritaX', 'arn:aws:iam::123456789012:user/rita')).toBe(false);
    // Regex characters in a pattern are literal: `.` is a dot, not any character.
    expect(principalMatches('arn:aws:iam::123456789012:user/aXb', 'arn:aws:iam::123456789012:user/a.b')).toBe(false);
    expect(principalMatches('arn:aws:iam::123456789012:user/a.b', 'arn:aws:iam::123456789012:user/a.b')).toBe(true);
  });
});

describe('rolesOf', () => {
  it('names every role whose patterns match, in role order', () => {
    expect(rolesOf('arn:aws:iam::123456789012:user/rita', rolePrincipals)).toEqual(['responder', 'auditor']);
    expect(rolesOf('arn:aws:sts::123456789012:assumed-role/IncidentCommander/carl', rolePrincipals)).toEqual(['commander']);
    expect(rolesOf('arn:aws:sts::555555555555:assumed-role/ComplianceAuditor/otto', rolePrincipals)).toEqual(['auditor']);
  });

  it('gives no role to a principal no pattern matches, or when roles are missing', () => {
    expect(rolesOf('arn:aws:iam::123456789012:user/mallory', rolePrincipals)).toEqual([]);
    expect(rolesOf('arn:aws:iam::123456789012:user/rita', {})).toEqual([]);
  });
});

describe('authorize', () => {
  const arn = 'arn:aws:iam::123456789012:user/otto';

  it('allows a caller holding any one of the roles an action needs', () => {
    expect(authorize('openIncident', arn, ['auditor', 'commander'])).toEqual({ allowed: true, roles: ['auditor', 'commander'] });
    expect(authorize('readIncidents', arn, ['auditor']).allowed).toBe(true);
    expect(authorize('readRunbooks', arn, ['approver']).allowed).toBe(true);
  });

  it('keeps auditors read-only, naming the role a write needs', () => {
    for (const action of ['openIncident', 'acknowledgeIncident', 'resolveIncident', 'closeIncident', 'addIncidentNote'] as const) {
      const decision = authorize(action, arn, ['auditor']);
      expect(decision.allowed, action).toBe(false);
    }
    expect(authorize('openIncident', arn, ['auditor'])).toMatchObject({
      allowed: false,
      reason: `this needs the role responder or commander; ${arn} acts only as auditor (auditors have read-only access)`,
    });
    expect(authorize('closeIncident', arn, ['responder'])).toMatchObject({
      allowed: false,
      reason: `this needs the role commander; ${arn} acts only as responder`,
    });
  });

  it('refuses a caller in no role, saying where roles are granted', () => {
    const decision = authorize('readIncidents', arn, []);
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.reason).toBe(
      `${arn} acts in no irdr role; add it (or a pattern matching it) to roles.<role>.principals in config/irdr.config.json, one of: responder, commander, approver, auditor`,
    );
  });
});

describe('role principals from config', () => {
  const config = IrdrConfig.parse({
    mail: { from: 'irdr@example.com' },
    roles: {
      responder: { emails: ['r@example.com'], principals: ['arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'] },
      commander: { emails: ['c@example.com'] },
      approver: { emails: ['a@example.com'], principals: [] },
      auditor: { emails: ['o@example.com'], principals: ['arn:aws:iam::123456789012:user/otto'] },
    },
  });

  it('reads each role\'s principals (none when a role lists none)', () => {
    expect(rolePrincipalsFromConfig(config)).toEqual({
      responder: ['arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'],
      commander: [],
      approver: [],
      auditor: ['arn:aws:iam::123456789012:user/otto'],
    });
  });

  it('adds principals (as the local stack adds its dev identities) without repeats', () => {
    const merged = withRolePrincipals(rolePrincipalsFromConfig(config), [
      { role: 'commander', principal: 'arn:aws:iam::000000000000:user/carl' },
      { role: 'auditor', principal: 'arn:aws:iam::123456789012:user/otto' },
    ]);
    expect(merged.commander).toEqual(['arn:aws:iam::000000000000:user/carl']);
    expect(merged.auditor).toEqual(['arn:aws:iam::123456789012:user/otto']);
  });

  it('rejects a principal that is not an IAM or STS ARN, saying what one looks like', () => {
    const parsed = IrdrConfig.safeParse({
      mail: { from: 'irdr@example.com' },
      roles: {
        responder: { emails: ['r@example.com'], principals: ['SecurityResponder'] },
        commander: { emails: ['c@example.com'] },
        approver: { emails: ['a@example.com'] },
        auditor: { emails: ['o@example.com'] },
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['roles', 'responder', 'principals', 0],
      message: expect.stringContaining('e.g. arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'),
    });
  });
});
