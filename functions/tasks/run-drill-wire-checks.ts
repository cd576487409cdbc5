import { drillChecksHandler } from '../aws/drill/checks-step.js';
import { wireReach } from '../aws/drill/sql/wire-reach.js';

/**
 * Drill step 4 for plans whose SQL checks go over the wire: the validator, attached to the drill VPC's subnets and
 * security group (in AWS; locally there is no VPC), the one reader of those plans' database secret.
 */
export const handler = drillChecksHandler(wireReach);
