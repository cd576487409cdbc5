import { describe, expect, it } from 'vitest';
import { reachFromDrillVpc } from '../../functions/aws/drill/sql/drill-vpc-reach.js';
import { drillVpcServicesOf } from '../../functions/domain/drill/drill-vpc-services.js';

/*
 * What a drill VPC without a NAT gateway must offer the functions in it (the VPC endpoints, by plan), and what a call
 * that never gets out says: the endpoint to add, within seconds, not a function hanging to its timeout.
 */

const wireChecked = { sqlAccess: { via: 'wire' }, checks: [{ type: 'sql-schema' }, { type: 'custom' }] };
const wireCanaryOnly = { sqlAccess: { via: 'data-api' }, checks: [{ type: 'sql-canary' }] };
const wireCanary = { sqlAccess: { via: 'wire' }, checks: [{ type: 'sql-canary' }] };

describe('the drill VPC endpoints', () => {
  it('names none when no plan checks or writes over the wire, and each one a wire plan needs, by who calls it', () => {
    expect(drillVpcServicesOf([wireCanaryOnly, { checks: [{ type: 'item-count' }] }])).toEqual([]);
    expect(drillVpcServicesOf([wireChecked]).map(({ service, endpointType }) => `${service} ${endpointType}`)).toEqual(['dynamodb Gateway', 'secretsmanager Interface', 'rds Interface', 'lambda Interface']);
    const canaryOnly = drillVpcServicesOf([{ ...wireCanary, checks: [{ type: 'sql-canary' }] }]);
    // A wire plan's checks run in the VPC too: the canary plan needs what the validator needs, and the writer's own.
    expect(canaryOnly.map((entry) => entry.service)).toEqual(['dynamodb', 'secretsmanager', 'rds']);
    expect(canaryOnly.find((entry) => entry.service === 'secretsmanager')?.usedBy).toEqual(["RunDrillWireChecks: the checks' database user", "WriteDrillWireCanary: the canary writer's database user"]);
  });

  it('a call with no answer fails fast, naming the endpoint to add; an answered one is returned as is', async () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-west-1';
    try {
      const never = new Promise<string>(() => undefined);
      await expect(reachFromDrillVpc('secretsmanager', never, 0.01)).rejects.toThrow(/no answer from secretsmanager within 0.01 s from the drill VPC.*interface endpoint com\.amazonaws\.eu-west-1\.secretsmanager/);
      await expect(reachFromDrillVpc('dynamodb', never, 0.01)).rejects.toThrow(/gateway endpoint com\.amazonaws\.eu-west-1\.dynamodb on the drill subnets' route tables/);
      await expect(reachFromDrillVpc('rds', Promise.resolve('answered'), 0.01)).resolves.toBe('answered');
      // An AWS error is the AWS error, not a reach problem.
      await expect(reachFromDrillVpc('rds', Promise.reject(new Error('DBInstanceNotFound')), 0.01)).rejects.toThrow('DBInstanceNotFound');
    } finally {
      process.env.AWS_REGION = saved;
    }
  });
});
