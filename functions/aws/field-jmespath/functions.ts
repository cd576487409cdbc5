/** Powertools idempotency's default custom functions in the Lambda bundles (see ./index.ts): passed to search, never called by a field path. */
export class PowertoolsFunctions {}
