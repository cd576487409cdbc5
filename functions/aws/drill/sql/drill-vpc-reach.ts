import { drillVpcUnreachableMessage, type DrillVpcService } from '../../../domain/drill/drill-vpc-services.js';

/** How long a call to an AWS API from the drill VPC may go unanswered before it is taken as no route (a missing endpoint). */
export const DRILL_VPC_REACH_SECONDS = 10;

/** The drill VPC cannot reach an AWS API: said once, with what to add, instead of the function hanging to its timeout. */
export class DrillVpcUnreachable extends Error {
  override name = 'DrillVpcUnreachable';
}

/** `call`, or DrillVpcUnreachable naming the endpoint when it has no answer within `seconds`. */
export async function reachFromDrillVpc<T>(service: DrillVpcService['service'], call: Promise<T>, seconds = DRILL_VPC_REACH_SECONDS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DrillVpcUnreachable(drillVpcUnreachableMessage(service, process.env.AWS_REGION ?? 'us-east-1', seconds))), seconds * 1000);
    timer.unref();
  });
  try {
    return await Promise.race([call, unanswered]);
  } finally {
    clearTimeout(timer);
  }
}
