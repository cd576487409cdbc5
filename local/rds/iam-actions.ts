/*
 * What IAM authorizes an RDS Query-protocol request against: its action (`rds:<Action>` from the form body) and the
 * resources it names (the databases, snapshot and subnet group, as ARNs), so the call recorder can check a drill
 * function's RDS calls against its synthesized policy as it does for JSON services.
 */

export interface RdsAuthorization {
  readonly action: string;
  readonly resources: readonly string[];
  /** The condition keys the request carries: its tags (aws:TagKeys, aws:RequestTag/<key>) and rds:PubliclyAccessible. */
  readonly conditionValues: Readonly<Record<string, readonly string[]>>;
}

export function rdsAuthorizationOf(formBody: string, scope: { readonly region: string; readonly account: string }): RdsAuthorization {
  const form = new URLSearchParams(formBody);
  const action = form.get('Action') ?? 'unknown';
  const arn = (kind: string, id: string | null): string[] => (id ? [`arn:aws:rds:${scope.region}:${scope.account}:${kind}:${id.toLowerCase()}`] : []);
  const given = (name: string): string | null => form.get(name);
  const subnetGroup = arn('subgrp', given('DBSubnetGroupName'));
  const resources = ((): string[] => {
    switch (action) {
      case 'DescribeDBInstances':
      case 'DescribeDBSnapshots':
        return given('DBInstanceIdentifier') ? arn('db', given('DBInstanceIdentifier')) : ['*'];
      case 'DescribeDBClusters':
      case 'DescribeDBClusterSnapshots':
        return given('DBClusterIdentifier') ? arn('cluster', given('DBClusterIdentifier')) : ['*'];
      case 'RestoreDBInstanceToPointInTime':
        return [...arn('db', given('TargetDBInstanceIdentifier')), ...arn('db', given('SourceDBInstanceIdentifier')), ...subnetGroup];
      case 'RestoreDBInstanceFromDBSnapshot':
        return [...arn('db', given('DBInstanceIdentifier')), ...arn('snapshot', given('DBSnapshotIdentifier')), ...subnetGroup];
      case 'RestoreDBClusterToPointInTime':
        return [...arn('cluster', given('DBClusterIdentifier')), ...arn('cluster', given('SourceDBClusterIdentifier')), ...subnetGroup];
      case 'RestoreDBClusterFromSnapshot':
        return [...arn('cluster', given('DBClusterIdentifier')), ...arn('cluster-snapshot', given('SnapshotIdentifier')), ...subnetGroup];
      case 'CreateDBInstance':
        return [...arn('db', given('DBInstanceIdentifier')), ...arn('cluster', given('DBClusterIdentifier')), ...subnetGroup];
      case 'DeleteDBInstance':
        return arn('db', given('DBInstanceIdentifier'));
      case 'DeleteDBCluster':
        return arn('cluster', given('DBClusterIdentifier'));
      case 'EnableHttpEndpoint':
        return given('ResourceArn') ? [given('ResourceArn')!] : [];
      case 'AddTagsToResource':
      case 'ListTagsForResource':
        return given('ResourceName') ? [given('ResourceName')!] : [];
      default:
        return [];
    }
  })();
  const conditionValues: Record<string, string[]> = {};
  // Tags as the Query protocol sends them: Tags.member.N.Key / .Value (AddTagsToResource and tag-on-create alike).
  const keys: string[] = [];
  for (let index = 1; form.has(`Tags.member.${index}.Key`) || form.has(`Tags.Tag.${index}.Key`); index += 1) {
    const key = form.get(`Tags.member.${index}.Key`) ?? form.get(`Tags.Tag.${index}.Key`)!;
    keys.push(key);
    conditionValues[`aws:RequestTag/${key}`] = [form.get(`Tags.member.${index}.Value`) ?? form.get(`Tags.Tag.${index}.Value`) ?? ''];
  }
  if (keys.length > 0) conditionValues['aws:TagKeys'] = keys;
  if (form.has('PubliclyAccessible')) conditionValues['rds:PubliclyAccessible'] = [form.get('PubliclyAccessible')!];
  return { action: `rds:${action}`, resources, conditionValues };
}
