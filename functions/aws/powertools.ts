import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per container; POWERTOOLS_SERVICE_NAME names the service in AWS. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'irdr' });
