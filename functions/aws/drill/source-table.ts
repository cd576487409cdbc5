import { DrillPreflightError, type SourceFacts } from '../../domain/drill/restore.js';
import { describeTableIfExists } from './target-table.js';

/** The source table as DescribeTable has it; DrillPreflightError if there is none. */
export async function sourceFactsOf(sourceTableName: string): Promise<SourceFacts> {
  const table = await describeTableIfExists(sourceTableName);
  if (!table?.TableArn) throw new DrillPreflightError(`source table ${sourceTableName} does not exist`);
  return {
    type: 'DynamoDB',
    name: table.TableName ?? sourceTableName,
    arn: table.TableArn,
    ...(table.ItemCount !== undefined && { approximateItemCount: table.ItemCount }),
    ...(table.TableSizeBytes !== undefined && { sizeBytes: table.TableSizeBytes }),
  };
}
