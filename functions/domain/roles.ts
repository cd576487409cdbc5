import * as z from './zod.js';
import { PrincipalPattern, RoleName, roleNames, type IrdrConfig } from './config-schema.js';

/** The ROLE_PRINCIPALS environment value: for each role, the IAM ARN patterns of the people acting in it. */
export const RolePrincipals = z.partialRecord(RoleName, z.array(PrincipalPattern));
export type RolePrincipals = z.infer<typeof RolePrincipals>;

/** What each API action needs: any one of the listed roles. Auditors read, and sign off evidence; they change nothing else. */
export const rolesAllowedTo = {
  readIncidents: roleNames,
  readRunbooks: roleNames,
  // Whom a page goes to now (names and work addresses of the roles' people): anyone acting in a role, as the runbooks are.
  readOnCall: roleNames,
  openIncident: ['responder', 'commander'],
  acknowledgeIncident: ['responder', 'commander'],
  resolveIncident: ['responder', 'commander'],
  // Closing ends the incident's record after its review: the commander's call.
  closeIncident: ['commander'],
  // A classification starts regulatory reports and can lower a severity: the commander's call, with a reason.
  classifyIncident: ['commander'],
  addIncidentNote: ['responder', 'commander', 'approver'],
  readDrills: roleNames,
  // A drill restores production data into a new table: the people who run recovery, not auditors.
  startDrill: ['responder', 'commander'],
  // Verifying the trail reads it and the digests, and changes nothing.
  readEvidence: roleNames,
  // The whole record of a period, signed: for the auditor, and the commander who answers for it.
  exportEvidence: ['commander', 'auditor'],
  // A link to download a finished export (GET /evidence/exports/{id}): the auditor's, each one recorded in the export's trail.
  downloadEvidenceExport: ['auditor'],
  // The post-incident review's findings and its corrective actions: the commanders who hold the review.
  recordReview: ['commander'],
  addCorrectiveAction: ['commander'],
  // A review of the record, appended to its trail: the record's owner (the commander) or an auditor.
  signOffEvidence: ['commander', 'auditor'],
} as const satisfies Record<string, readonly RoleName[]>;
export type ApiAction = keyof typeof rolesAllowedTo;

/** The role → principals map the configuration declares. */
export function rolePrincipalsFromConfig(config: IrdrConfig): RolePrincipals {
  const principals: RolePrincipals = {};
  for (const role of roleNames) principals[role] = [...(config.roles[role]?.principals ?? [])];
  return principals;
}

/** Adds principals to roles, keeping each list free of repeats. */
export function withRolePrincipals(base: RolePrincipals, additions: ReadonlyArray<{ role: RoleName; principal: string }>): RolePrincipals {
  const merged: RolePrincipals = {};
  for (const role of roleNames) merged[role] = [...(base[role] ?? [])];
  for (const { role, principal } of additions) {
    const list = (merged[role] ??= []);
    if (!list.includes(principal)) list.push(principal);
  }
  return merged;
}

const compiledPatterns = new Map<string, RegExp>();

/** Whether an ARN matches a pattern in which `*` stands for any run of characters (slashes included). */
export function principalMatches(principalArn: string, pattern: string): boolean {
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    const body = pattern
      .split('*')
      .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${body}$`);
    compiledPatterns.set(pattern, regex);
  }
  return regex.test(principalArn);
}

/** The roles a caller acts in, in the order roleNames lists them. */
export function rolesOf(principalArn: string, rolePrincipals: RolePrincipals): RoleName[] {
  return roleNames.filter((role) => (rolePrincipals[role] ?? []).some((pattern) => principalMatches(principalArn, pattern)));
}

export type AuthorizationDecision =
  | { readonly allowed: true; readonly roles: readonly RoleName[] }
  | { readonly allowed: false; readonly roles: readonly RoleName[]; readonly reason: string };

/** Whether a caller holding `roles` may take `action`; a refusal says which role it needs. */
export function authorize(action: ApiAction, principalArn: string, roles: readonly RoleName[]): AuthorizationDecision {
  const needed: readonly RoleName[] = rolesAllowedTo[action];
  if (roles.length === 0) {
    return {
      allowed: false,
      roles,
      reason:
        `${principalArn} acts in no irdr role; add it (or a pattern matching it) to roles.<role>.principals ` +
        `in config/irdr.config.json, one of: ${roleNames.join(', ')}`,
    };
  }
  if (roles.some((role) => needed.includes(role))) return { allowed: true, roles };
  const readOnly = roles.every((role) => role === 'auditor') ? ' (auditors have read-only access)' : '';
  return {
    allowed: false,
    roles,
    reason: `this needs the role ${needed.join(' or ')}; ${principalArn} acts only as ${roles.join(', ')}${readOnly}`,
  };
}
