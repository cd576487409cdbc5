import { drillChecksHandler } from '../aws/drill/checks-step.js';
import { dataApiReach } from '../aws/drill/sql/data-api-reach.js';

/** Drill step 4 for every plan but wire SQL checks (those run in RunDrillWireChecks): databases only through the Data API. */
export const handler = drillChecksHandler(dataApiReach);
