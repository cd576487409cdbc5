/** A resource AWS Backup has backed up, as ListProtectedResources describes it (no SDK types here). */
export interface ProtectedResource {
  readonly arn: string;
  /** AWS Backup's resource type: DynamoDB, S3, EFS, EBS, EC2, FSx, RDS, Aurora, DocumentDB, Neptune, ... */
  readonly type: string;
  readonly name?: string;
  /** ISO 8601: its newest backup. */
  readonly lastBackupTime?: string;
  readonly lastRecoveryPointArn?: string;
  readonly lastBackupVaultArn?: string;
}

/** One ProtectedResource of a ListProtectedResources page, as the API reference documents it (all fields optional). */
export interface ProtectedResourceEntry {
  readonly ResourceArn?: string;
  readonly ResourceType?: string;
  readonly ResourceName?: string;
  /** Epoch seconds on the wire; the SDK hands a Date. */
  readonly LastBackupTime?: Date | number;
  readonly LastRecoveryPointArn?: string;
  readonly LastBackupVaultArn?: string;
}

export interface ProtectedResourcesPage {
  readonly Results?: readonly ProtectedResourceEntry[];
  readonly NextToken?: string;
}

/** A listing that never ends is refused rather than followed forever (1,000 pages of up to 1,000 resources). */
const MAX_PAGES = 1_000;

const isoTime = (value: Date | number): string => (value instanceof Date ? value : new Date(value * 1000)).toISOString();

/** An entry as a resource; one with no ARN names nothing and is left out (the ARN is what coverage merges on). */
export function protectedResourceOf(entry: ProtectedResourceEntry): ProtectedResource | undefined {
  if (!entry.ResourceArn) return undefined;
  return {
    arn: entry.ResourceArn,
    type: entry.ResourceType || 'unknown',
    ...(entry.ResourceName && { name: entry.ResourceName }),
    ...(entry.LastBackupTime !== undefined && { lastBackupTime: isoTime(entry.LastBackupTime) }),
    ...(entry.LastRecoveryPointArn && { lastRecoveryPointArn: entry.LastRecoveryPointArn }),
    ...(entry.LastBackupVaultArn && { lastBackupVaultArn: entry.LastBackupVaultArn }),
  };
}

/** Every page of ListProtectedResources, NextToken to NextToken; a token seen twice is a loop, and an error. */
export async function collectProtectedResources(fetchPage: (nextToken: string | undefined) => Promise<ProtectedResourcesPage>): Promise<ProtectedResource[]> {
  const resources: ProtectedResource[] = [];
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await fetchPage(nextToken);
    for (const entry of response.Results ?? []) {
      const resource = protectedResourceOf(entry);
      if (resource) resources.push(resource);
    }
    nextToken = response.NextToken || undefined;
    if (nextToken === undefined) return resources;
    if (seen.has(nextToken)) throw new Error(`ListProtectedResources returned NextToken ${JSON.stringify(nextToken.slice(0, 80))} twice: the listing loops`);
    seen.add(nextToken);
  }
  throw new Error(`ListProtectedResources went on past ${MAX_PAGES} pages`);
}
