import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { DRILL_DATA_PERMISSIONS, DrillGrants, type DrillDataPermission } from '../../lib/drill-grants.js';
import { DEPLOYED, deployTemplate, type DeployedTemplate } from './iam-simulation.js';
import { statementsOfRole, type SynthesizedPolicyStatement, type TemplateResource } from './synthesized-app.js';

/** One role per drills:* permission for these plans, in a bare stack deployed into iam-simulation's account. */
export interface DrillGrantRoles {
  readonly resources: Record<string, TemplateResource>;
  readonly deployed: DeployedTemplate;
  /** The permission's role's statements as deployed (tokens resolved). */
  deployedStatements(permission: DrillDataPermission): SynthesizedPolicyStatement[];
}

export function drillGrantRoles(plans: readonly DrillPlan[]): DrillGrantRoles {
  const stack = new Stack(new App(), 'Irdr', { env: { account: DEPLOYED.account, region: DEPLOYED.region } });
  const grants = new DrillGrants(stack, [...plans]);
  const roles = DRILL_DATA_PERMISSIONS.map((permission) => {
    const role = new Role(stack, permission.replace(/[^a-z]/g, '-'), { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    grants.grant(role, permission);
    return [permission, role] as const;
  });
  const resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
  const roleIds = new Map(roles.map(([permission, role]) => [permission, stack.getLogicalId(role.node.defaultChild as never)]));
  const deployed = deployTemplate(resources);
  return { resources, deployed, deployedStatements: (permission) => statementsOfRole(resources, roleIds.get(permission)!).map((statement) => deployed.statement(statement)) };
}

/** What every plan of the grant tests shares; each test adds its id, source, driver and checks. */
export const DRILL_PLAN_BASE = {
  title: 'A drill',
  owner: 'owner@example.com',
  schedule: { expression: 'rate(7 days)' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  recipients: { roles: ['commander'] },
  controls: ['SOC2 A1.3'],
} as const;
