import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';

/* One client per container: finds resources by tag for drills that select their source by tags. */
export const taggingClient = /* @__PURE__ */ new ResourceGroupsTaggingAPIClient({});
