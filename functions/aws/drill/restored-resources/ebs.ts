import { CreateTagsCommand, DeleteVolumeCommand, DescribeVolumesCommand, type Volume } from '@aws-sdk/client-ec2';
import { ec2Client } from '../../ec2-client.js';
import { isAwsError } from '../target-table.js';
import { refused, resourceIdOf, tagList, tagRecord, waiting, type CleanupGuard, type RestoredResourceOps } from './restored-resource.js';

/** An EBS volume by id; a missing one as undefined. */
export async function volumeOf(volumeId: string): Promise<Volume | undefined> {
  try {
    const { Volumes } = await ec2Client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
    return Volumes?.[0];
  } catch (error) {
    if (isAwsError(error, 'InvalidVolume.NotFound')) return undefined;
    throw error;
  }
}

/** Deletes one volume if the guard allows: NOT_FOUND, REFUSED, WAITING (attached or still creating) or DELETED. */
export async function deleteVolume(volumeId: string, arn: string, guard: CleanupGuard) {
  const volume = await volumeOf(volumeId);
  if (!volume || volume.State === 'deleted' || volume.State === 'deleting') return { status: 'NOT_FOUND' as const, deletedExtras: [] };
  const tags = tagRecord(volume.Tags);
  const refusal = guard({ arn, name: tags.Name, tags });
  if (refusal) return refused(refusal);
  // Never detach: a volume still attached (a custom check used it) is left until it is not.
  if (volume.State !== 'available') return waiting(`volume ${volumeId} is ${volume.State ?? 'of unknown state'}`);
  try {
    await ec2Client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
  } catch (error) {
    if (isAwsError(error, 'InvalidVolume.NotFound')) return { status: 'NOT_FOUND' as const, deletedExtras: [] };
    if (isAwsError(error, 'VolumeInUse')) return waiting(`volume ${volumeId} is in use`);
    throw error;
  }
  return { status: 'DELETED' as const, deletedExtras: [] };
}

/** A restored EBS volume: available when `available`; cleanup deletes the volume. */
export const ebsOps: RestoredResourceOps = {
  async availability(arn) {
    const volume = await volumeOf(resourceIdOf(arn));
    switch (volume?.State) {
      case undefined:
      case 'deleted':
        return { state: 'gone' };
      case 'available':
      case 'in-use':
        return { state: 'available' };
      case 'creating':
        return { state: 'pending', detail: 'volume is creating' };
      default:
        return { state: 'failed', reason: `volume ${resourceIdOf(arn)} is ${volume?.State ?? 'of unknown state'}` };
    }
  },

  async tag(arn, tags) {
    await ec2Client.send(new CreateTagsCommand({ Resources: [resourceIdOf(arn)], Tags: tagList(tags) }));
  },

  cleanUp: (arn, guard) => deleteVolume(resourceIdOf(arn), arn, guard),
};
