import { CreateTagsCommand, DescribeInstancesCommand, DescribeVolumesCommand, TerminateInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { DRILL_RUN_TAG } from '../../../domain/drill-naming.js';
import { ec2Client } from '../../ec2-client.js';
import { isAwsError } from '../target-table.js';
import { deleteVolume } from './ebs.js';
import { refused, resourceIdOf, tagList, tagRecord, waiting, type RestoredResourceOps } from './restored-resource.js';

async function instanceOf(instanceId: string): Promise<Instance | undefined> {
  try {
    const { Reservations } = await ec2Client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return Reservations?.[0]?.Instances?.[0];
  } catch (error) {
    if (isAwsError(error, 'InvalidInstanceID.NotFound')) return undefined;
    throw error;
  }
}

const volumeArn = (instanceArn: string, volumeId: string): string => instanceArn.replace(/instance\/i-[0-9a-f]+$/, `volume/${volumeId}`);

/**
 * A restored EC2 instance: available when `running`. Claimed with its volumes (the restore made them from the
 * recovery point's snapshots); cleanup terminates the instance, then deletes those of its volumes that outlive it
 * (DeleteOnTermination false), each through the guard. The recovery point's AMI and snapshots are the backup's, not the restore's: kept.
 */
export const ec2Ops: RestoredResourceOps = {
  async availability(arn) {
    const instance = await instanceOf(resourceIdOf(arn));
    switch (instance?.State?.Name) {
      case undefined:
      case 'terminated':
        return { state: 'gone' };
      case 'running':
        return { state: 'available' };
      case 'pending':
        return { state: 'pending', detail: 'instance is pending' };
      default:
        return { state: 'failed', reason: `instance ${resourceIdOf(arn)} is ${instance?.State?.Name ?? 'of unknown state'}, not running` };
    }
  },

  async tag(arn, tags) {
    const instanceId = resourceIdOf(arn);
    const instance = await instanceOf(instanceId);
    const volumeIds = (instance?.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.VolumeId ? [mapping.Ebs.VolumeId] : []));
    await ec2Client.send(new CreateTagsCommand({ Resources: [instanceId, ...volumeIds], Tags: tagList(tags) }));
  },

  async cleanUp(arn, guard, runId) {
    const instanceId = resourceIdOf(arn);
    const instance = await instanceOf(instanceId);
    const state = instance?.State?.Name;
    if (instance && state !== 'terminated') {
      const tags = tagRecord(instance.Tags);
      const refusal = guard({ arn, name: tags.Name, tags });
      if (refusal) return refused(refusal);
      if (state !== 'shutting-down') await ec2Client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      return waiting(`instance ${instanceId} is terminating`);
    }
    // Terminated (or gone): the volumes this run claimed with it that outlived it.
    const { Volumes = [] } = await ec2Client.send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [runId] }] }));
    const deletedExtras: string[] = [];
    for (const volume of Volumes) {
      if (!volume.VolumeId) continue;
      const result = await deleteVolume(volume.VolumeId, volumeArn(arn, volume.VolumeId), guard);
      if (result.status === 'REFUSED' || result.status === 'WAITING') return { ...result, deletedExtras };
      if (result.status === 'DELETED') deletedExtras.push(volume.VolumeId);
    }
    return { status: instance ? 'DELETED' : 'NOT_FOUND', deletedExtras };
  },
};
