import { App, Stack } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { DRILL_DATA_PERMISSIONS, DrillGrants, flattenCfnReference, type DrillDataPermission } from '../../../lib/drill-grants.js';
import type { DrillPlan } from '../../../functions/domain/drill-plan-schema.js';
import { functionRegistry } from '../../../functions/registry.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../local/stack-config.js';

/** The drills:* statements lib/ synthesizes for these plans, per function, and whether they allow an action on a resource. */
export function drillGrantsOf(plans: readonly DrillPlan[]) {
  const stack = new Stack(new App(), 'DrillPlanGrants', { env: { account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION } });
  const grants = new DrillGrants(stack, plans);
  const statementsOf = (functionName: string): PolicyStatement[] => {
    const spec = functionRegistry.find((candidate) => candidate.name === functionName)!;
    const permissions = spec.permissions.filter((permission): permission is DrillDataPermission => (DRILL_DATA_PERMISSIONS as readonly string[]).includes(permission));
    return permissions.flatMap((permission) => grants.statements(permission));
  };
  // A granted resource as IAM would match it here: the partition token rendered, `*` a wildcard.
  const resourcePattern = (resource: string): RegExp =>
    new RegExp(`^${flattenCfnReference(stack.resolve(resource)).replace('<AWS::Partition>', 'aws').split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return {
    granted: (functionName: string): Set<string> => new Set(statementsOf(functionName).flatMap((statement) => statement.actions)),
    allows: (functionName: string, action: string, resource: string): boolean =>
      statementsOf(functionName).some((statement) => statement.actions.includes(action) && statement.resources.some((granted) => resourcePattern(granted).test(resource))),
  };
}
