import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { DrillValidatorNetwork } from '../functions/domain/drill/rds-plan.js';
import { flattenCfnReference } from './drill-grants.js';

/*
 * The wire-check validator's place in the drill VPC: its Lambda VpcConfig (the subnets and security group from config
 * drills.database.validator) and the network-interface permissions Lambda uses its role for, scoped as far as EC2 allows.
 */

export const WHY_VALIDATOR_INTERFACES =
  'Lambda creates and deletes the function\'s network interfaces in the drill subnets with the function\'s role ' +
  '(Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC"): their ids are chosen by EC2 ' +
  'at creation, so network-interface/* in this account and region is the narrowest resource; creation is held to the ' +
  'drill subnets and security group from config, and DescribeNetworkInterfaces / DescribeSubnets have no resource-level ' +
  'permission (Service Authorization Reference, Amazon EC2: "*" only).';

/** Attaches the function to the drill subnets and security group, and grants its role what Lambda needs for that. */
export function attachToDrillVpc(fn: IFunction, role: IRole, network: DrillValidatorNetwork): void {
  const stack = Stack.of(fn);
  (fn.node.defaultChild as CfnFunction).vpcConfig = { subnetIds: [...network.subnetIds], securityGroupIds: [...network.securityGroupIds] };
  const ec2 = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const interfaces = ec2('network-interface', '*');
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [interfaces, ...network.subnetIds.map((id) => ec2('subnet', id)), ...network.securityGroupIds.map((id) => ec2('security-group', id))],
    }),
  );
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], resources: [interfaces] }));
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }));
  for (const resource of [interfaces, '*']) {
    Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(resource))}]`, reason: WHY_VALIDATOR_INTERFACES });
  }
}
