import {
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  TagResourceCommand,
  type FileSystemDescription,
} from '@aws-sdk/client-efs';
import { efsClient } from '../../efs-client.js';
import { isAwsError } from '../target-table.js';
import { refused, resourceIdOf, tagList, tagRecord, waiting, type RestoredResourceOps } from './restored-resource.js';

/** EFS file system by id; a missing one as undefined. */
async function fileSystemOf(fileSystemId: string): Promise<FileSystemDescription | undefined> {
  try {
    const { FileSystems } = await efsClient.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
    return FileSystems?.[0];
  } catch (error) {
    if (isAwsError(error, 'FileSystemNotFound')) return undefined;
    throw error;
  }
}

/** A restored EFS file system: available when `available`; cleanup deletes its mount targets, then (once none is left) it. */
export const efsOps: RestoredResourceOps = {
  async availability(arn) {
    const fileSystem = await fileSystemOf(resourceIdOf(arn));
    switch (fileSystem?.LifeCycleState) {
      case undefined:
      case 'deleted':
        return { state: 'gone' };
      case 'available':
        return { state: 'available' };
      case 'creating':
      case 'updating':
        return { state: 'pending', detail: `file system is ${fileSystem?.LifeCycleState ?? 'of unknown state'}` };
      default:
        return { state: 'failed', reason: `file system ${resourceIdOf(arn)} is ${fileSystem?.LifeCycleState ?? 'of unknown state'}` };
    }
  },

  async tag(arn, tags) {
    await efsClient.send(new TagResourceCommand({ ResourceId: resourceIdOf(arn), Tags: tagList(tags) }));
  },

  async cleanUp(arn, guard) {
    const fileSystemId = resourceIdOf(arn);
    const fileSystem = await fileSystemOf(fileSystemId);
    if (!fileSystem || fileSystem.LifeCycleState === 'deleted') return { status: 'NOT_FOUND', deletedExtras: [] };
    const tags = tagRecord(fileSystem.Tags);
    const refusal = guard({ arn, name: fileSystem.Name ?? tags.Name, tags });
    if (refusal) return refused(refusal);
    if (fileSystem.LifeCycleState !== 'available') return waiting(`file system ${fileSystemId} is ${fileSystem.LifeCycleState ?? 'of unknown state'}`);

    // EFS refuses to delete a file system with mount targets (FileSystemInUse): those first (a custom check may have made some).
    const { MountTargets = [] } = await efsClient.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId }));
    const deleted: string[] = [];
    for (const target of MountTargets) {
      if (!target.MountTargetId || target.LifeCycleState === 'deleting' || target.LifeCycleState === 'deleted') continue;
      await efsClient.send(new DeleteMountTargetCommand({ MountTargetId: target.MountTargetId }));
      deleted.push(target.MountTargetId);
    }
    if (MountTargets.some((target) => target.LifeCycleState !== 'deleted')) {
      return { status: 'WAITING', reason: `mount targets of ${fileSystemId} are being deleted`, deletedExtras: deleted };
    }
    try {
      await efsClient.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId }));
    } catch (error) {
      if (isAwsError(error, 'FileSystemNotFound')) return { status: 'NOT_FOUND', deletedExtras: deleted };
      if (isAwsError(error, 'FileSystemInUse')) return { status: 'WAITING', reason: `${fileSystemId} is still in use: ${(error as Error).message}`, deletedExtras: deleted };
      throw error;
    }
    return { status: 'DELETED', deletedExtras: deleted };
  },
};
