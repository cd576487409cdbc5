import { checksRunInOf, canaryWriterOf } from './rds-plan.js';

/*
 * What the functions in the drill VPC (RunDrillWireChecks, WriteDrillWireCanary) call besides the database: AWS APIs
 * that a subnet without a NAT gateway reaches only through a VPC endpoint. irdr does not create these endpoints
 * (docs/drill-databases-5.md says why); it names what a plan set needs, and a call that cannot get out says which one.
 */

export interface DrillVpcService {
  /** The endpoint's service name suffix: com.amazonaws.<region>.<service>. */
  readonly service: 'dynamodb' | 'secretsmanager' | 'rds' | 'lambda';
  /** DynamoDB has a free gateway endpoint (route tables); the others are interface endpoints (subnets, private DNS). */
  readonly endpointType: 'Gateway' | 'Interface';
  /** Which in-VPC function calls it, for what. */
  readonly usedBy: readonly string[];
}

type PlanShape = Parameters<typeof checksRunInOf>[0] & Parameters<typeof canaryWriterOf>[0] & { readonly checks: readonly { readonly type: string }[] };

/** The endpoints a drill VPC without NAT needs for these plans (none when no plan checks or writes over the wire). */
export function drillVpcServicesOf(plans: readonly PlanShape[]): DrillVpcService[] {
  const wireChecked = plans.filter((plan) => checksRunInOf(plan) === 'drill-vpc');
  const wireCanaries = plans.filter((plan) => canaryWriterOf(plan) === 'WriteDrillWireCanary');
  const services: DrillVpcService[] = [];
  if (wireChecked.length > 0) services.push({ service: 'dynamodb', endpointType: 'Gateway', usedBy: ['RunDrillWireChecks: the drill run record and its trail'] });
  if (wireChecked.length + wireCanaries.length > 0) {
    services.push({
      service: 'secretsmanager',
      endpointType: 'Interface',
      usedBy: [...(wireChecked.length > 0 ? ['RunDrillWireChecks: the checks\' database user'] : []), ...(wireCanaries.length > 0 ? ['WriteDrillWireCanary: the canary writer\'s database user'] : [])],
    });
    services.push({
      service: 'rds',
      endpointType: 'Interface',
      usedBy: [...(wireChecked.length > 0 ? ['RunDrillWireChecks: the restored database\'s endpoint (DescribeDBInstances / DescribeDBClusters)'] : []), ...(wireCanaries.length > 0 ? ['WriteDrillWireCanary: the source database\'s endpoint'] : [])],
    });
  }
  if (wireChecked.some((plan) => plan.checks.some((check) => check.type === 'custom'))) services.push({ service: 'lambda', endpointType: 'Interface', usedBy: ['RunDrillWireChecks: the plans\' custom Lambda checks'] });
  return services;
}

/** What a call from the drill VPC that never got an answer means, and what to change. */
export function drillVpcUnreachableMessage(service: DrillVpcService['service'], region: string, seconds: number): string {
  const endpoint = `com.amazonaws.${region}.${service}`;
  const fix = service === 'dynamodb' ? `a gateway endpoint ${endpoint} on the drill subnets' route tables` : `an interface endpoint ${endpoint} with private DNS in the drill subnets, its security group open to the drill security group on 443`;
  return `no answer from ${service} within ${seconds} s from the drill VPC: the drill subnets have no route to it. Give them a NAT gateway, or ${fix} (docs/drill-databases-5.md)`;
}
