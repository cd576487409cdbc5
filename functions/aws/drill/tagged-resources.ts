import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { DRILL_RUN_TAG } from '../../domain/drill-naming.js';
import type { BackupResourceType } from '../../domain/drill/restore.js';
import { taggingClient } from '../tagging-client.js';
import { TAGGING_RESOURCE_TYPES } from './restored-resources/ops-by-type.js';

/**
 * ARNs of the type's resources carrying every tag asked for (Resource Groups Tagging API), over every page; never one a
 * drill restored (it carries the run tag, and may have kept the source's tags): a drill of a drill proves nothing.
 */
export async function taggedArns(type: BackupResourceType, tags: Readonly<Record<string, string>>): Promise<string[]> {
  const arns: string[] = [];
  let paginationToken: string | undefined;
  do {
    const page = await taggingClient.send(
      new GetResourcesCommand({
        TagFilters: Object.entries(tags).map(([Key, Value]) => ({ Key, Values: [Value] })),
        ResourceTypeFilters: [TAGGING_RESOURCE_TYPES[type] ?? type.toLowerCase()],
        PaginationToken: paginationToken,
      }),
    );
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const restoredByDrill = (mapping.Tags ?? []).some((tag) => tag.Key === DRILL_RUN_TAG);
      if (mapping.ResourceARN && !restoredByDrill) arns.push(mapping.ResourceARN);
    }
    paginationToken = page.PaginationToken || undefined;
  } while (paginationToken);
  return arns;
}
