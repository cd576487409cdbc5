/** Where a client's calls go, for a message naming what was not found there: the endpoint it was pointed at, or its region. */
export const sdkTarget = async (client: { config: { region: () => Promise<string> } }, endpoint: string | undefined): Promise<string> =>
  endpoint ? `at ${endpoint}` : `in ${await client.config.region().catch(() => 'the default region')}`;
