/**
 * Published on-demand prices, US East (N. Virginia), USD, the one place the cost model reads them. Taken from the AWS
 * pricing pages as they stood when written (not re-read from this machine, which has no network beyond npm):
 * check them against https://aws.amazon.com/pricing/ before quoting a figure.
 */
export const AWS_PRICES = {
  region: 'us-east-1',
  asOf: '2026-11',
  stepFunctionsStandardPerStateTransition: 0.025 / 1000,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  // On-demand capacity after the November 2024 price reduction.
  dynamodbPerWriteRequestUnit: 0.625 / 1_000_000,
  dynamodbPerReadRequestUnit: 0.125 / 1_000_000,
  sesPerEmail: 0.1 / 1000,
} as const;
