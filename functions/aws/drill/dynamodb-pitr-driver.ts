import { DescribeContinuousBackupsCommand, RestoreTableToPointInTimeCommand } from '@aws-sdk/client-dynamodb';
import { DrillPreflightError, DrillRestoreError, type AvailableRecoveryPoints, type RestoreHandle } from '../../domain/drill/restore.js';
import { dynamodbClient } from '../dynamodb-client.js';
import type { RestoreDriver } from './restore-driver.js';
import { claimRestoredTable, cleanUpTableRestore } from './restored-table.js';
import { sourceFactsOf } from './source-table.js';
import { awsErrorText, isAwsError, restoredTableProgress } from './target-table.js';

/** DynamoDB point-in-time recovery: RestoreTableToPointInTime into a new table, any second of the restorable window. */
export function dynamodbPitrDriver(sourceTableName: string): RestoreDriver {
  return {
    // DynamoDB announces no restore's end: the drill polls (adaptive, or the plan's fixed interval).
    completionSignal: 'poll',
    async preflight() {
      const source = await sourceFactsOf(sourceTableName);
      return { source, points: await restorableWindowOf(sourceTableName) };
    },

    async startRestore({ source, recoveryPoint, restoredName: targetTableName }) {
      const startedAt = new Date().toISOString();
      try {
        await dynamodbClient.send(
          new RestoreTableToPointInTimeCommand({ SourceTableName: source.name, TargetTableName: targetTableName, RestoreDateTime: new Date(recoveryPoint.at) }),
        );
      } catch (error) {
        throw new DrillRestoreError(`RestoreTableToPointInTime of ${source.name} at ${recoveryPoint.at} into ${targetTableName} failed: ${awsErrorText(error)}`);
      }
      const handle: RestoreHandle = {
        driver: 'dynamodb-pitr',
        source: { type: 'DynamoDB', arn: source.arn, name: source.name },
        restored: { type: 'DynamoDB', name: targetTableName },
        startedAt,
        phase: 'restoring',
        recoveryPoint,
      };
      return handle;
    },

    describeRestore: (handle) => restoredTableProgress(handle),

    claimRestored: (handle, { runId, planId }) => claimRestoredTable({ handle, runId, planId }),

    // A PITR restore makes nothing but the table.
    cleanUp: (handle, { runId }) => cleanUpTableRestore(handle, runId),
  };
}

async function restorableWindowOf(sourceTableName: string): Promise<AvailableRecoveryPoints> {
  const description = await dynamodbClient.send(new DescribeContinuousBackupsCommand({ TableName: sourceTableName })).catch((error: unknown) => {
    if (isAwsError(error, 'TableNotFoundException', 'ResourceNotFoundException')) throw new DrillPreflightError(`source table ${sourceTableName} does not exist`);
    throw error;
  });
  const pitr = description.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED' || !pitr.EarliestRestorableDateTime || !pitr.LatestRestorableDateTime) {
    throw new DrillPreflightError(
      `point-in-time recovery is ${pitr?.PointInTimeRecoveryStatus ?? 'off'} for ${sourceTableName}: enable point-in-time recovery on it (UpdateContinuousBackups) to drill with dynamodb-pitr`,
    );
  }
  return { kind: 'continuous', earliest: pitr.EarliestRestorableDateTime.toISOString(), latest: pitr.LatestRestorableDateTime.toISOString() };
}
