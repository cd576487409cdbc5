import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PushOutcome } from '../functions/aws/compliance-platform-push.js';
import type { PushRequest, RecordSubject } from '../functions/domain/compliance-platform/push-plan.js';
import type { ExportRecord } from '../functions/domain/evidence/export-job.js';
import { evidenceExportPk, META_SK } from '../functions/domain/keys.js';
import { refusedPathParameter } from '../functions/domain/path-parameters.js';
import { tableDesign } from '../functions/domain/table-design.js';
import { UsageError } from './usage-error.js';

interface PushAgainFlags {
  incident?: string;
  drillRun?: string;
  /** An asynchronous export (POST /evidence/exports) whose zip a platform refused. */
  export?: string;
  /** The evidence table, where the export's record names its zip. */
  tableName?: string;
  /** The push function's name or ARN. */
  function?: string;
}

const FUNCTION_HINT = 'stack output CompliancePushFunctionName; irdr local env sets IRDR_COMPLIANCE_PUSH_FUNCTION';

/**
 * `irdr evidence push-again`: once the cause of a platform's 4xx is fixed (a document id, a scope), has the push
 * function make that record's rejected pushes again. It invokes the function (the only reader of the platforms'
 * credentials), so who asked is whoever IAM let invoke it, as CloudTrail records; the trail says it was reopened.
 */
export async function evidencePushAgainCommand(flags: PushAgainFlags): Promise<void> {
  if (!flags.function) throw new UsageError(`name the push function: --function <${FUNCTION_HINT}>`);
  const named = [flags.incident, flags.drillRun, flags.export].filter((id) => id !== undefined).length;
  if (named !== 1) throw new UsageError('name one record: --incident <id>, --drill-run <id> or --export <id>');
  // An id no record can have (a typo, 3,000 characters) is said as the API says it, before anything is read or invoked.
  const refused = refusedPathParameter(flags.incident !== undefined ? { incidentId: flags.incident } : flags.drillRun !== undefined ? { runId: flags.drillRun } : { exportId: flags.export });
  if (refused) throw new UsageError(refused.message);
  const subject: RecordSubject =
    flags.incident !== undefined ? { kind: 'incident', id: flags.incident } : flags.drillRun !== undefined ? { kind: 'drill-run', id: flags.drillRun } : await exportSubject(flags.export!, flags.tableName);
  const request: PushRequest = { subject, retryRejected: true };
  const lambda = new LambdaClient({});
  let invoked;
  try {
    invoked = await lambda.send(new InvokeCommand({ FunctionName: flags.function, Payload: Buffer.from(JSON.stringify(request)) }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    throw new UsageError(`no function ${flags.function}: --function names the compliance push function (${FUNCTION_HINT})`);
  } finally {
    lambda.destroy();
  }
  const payload = JSON.parse(Buffer.from(invoked.Payload ?? Buffer.from('null')).toString('utf8')) as { outcomes?: PushOutcome[]; errorMessage?: string } | null;
  if (invoked.FunctionError) {
    // The function fails when a push is rejected again or left pending: its message names each.
    console.error(`irdr: ${payload?.errorMessage ?? invoked.FunctionError}`);
    process.exitCode = 1;
    return;
  }
  const outcomes = payload?.outcomes ?? [];
  if (outcomes.length === 0) console.log(`${subject.kind} ${subject.id}: nothing to push (no platform configured, or the record is not signed off)`);
  for (const outcome of outcomes) console.log(`${outcome.target} to ${outcome.where}: ${outcome.result}${outcome.vendorId ? ` (${outcome.vendorId})` : ''}${outcome.message ? `: ${outcome.message}` : ''}`);
}

/** An export's zip as its record names it (the push function holds the reference to that record and the zip to its hash). */
async function exportSubject(exportId: string, tableName: string | undefined): Promise<RecordSubject> {
  if (!tableName) throw new UsageError('name the evidence table: --table-name <stack output TableName; irdr local env sets IRDR_TABLE_NAME>');
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const key = { [tableDesign.partitionKey]: evidenceExportPk(exportId), [tableDesign.sortKey]: META_SK };
    const record = (await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item as ExportRecord | undefined;
    if (!record) throw new UsageError(`no export ${exportId} in ${tableName}`);
    if (record.zipKey === undefined || record.zipSha256 === undefined) throw new UsageError(`export ${exportId} is ${record.status}: it has no signed zip to push`);
    return { kind: 'evidence-export', id: exportId, zipKey: record.zipKey, zipSha256: record.zipSha256 };
  } finally {
    documents.destroy();
  }
}
