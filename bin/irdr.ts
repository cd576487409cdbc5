import { Command, InvalidArgumentError, Option } from 'commander';
import { demoCommand } from '../local/cli/demo-command.js';
import { localDeliverEventCommand, localStartCommand, localEnvCommand } from '../local/cli/local-commands.js';
import { DEFAULT_EVENTBRIDGE_PORT, DEFAULT_LAMBDA_PORT } from '../local/stack-config.js';
import { drillsRunCommand } from './drill-commands.js';
import {
  incidentsCompleteCommand,
  incidentsListCommand,
  incidentsNoteCommand,
  incidentsOpenCommand,
  incidentsReviewCommand,
  incidentsShowCommand,
  incidentsTasksCommand,
  incidentsTransitionCommand,
  type ConnectionFlags,
} from './incident-commands.js';
import { evidenceCheckExportCommand, evidenceCoverageCommand, evidenceDigestCommand, evidenceExportCommand, evidenceKeygenCommand, evidenceVerifyCommand } from './evidence-commands.js';
import { escapeConsoleOutput } from './terminal-output.js';

// Whatever a command prints from data reaches the terminal as text, never as control sequences.
escapeConsoleOutput();

const positiveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
};
const port = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new InvalidArgumentError('expected a port, 0-65535');
  return parsed;
};

const program = new Command('irdr')
  .description('Incident response runbooks, DR restore drills and continuity evidence, on AWS or on this machine')
  .showHelpAfterError();

const local = program.command('local').description('the local AWS: DynamoDB, SES, Step Functions, HTTP API and scheduler');

local
  .command('start')
  .description('start the local stack in the foreground; Ctrl-C stops it')
  .addOption(new Option('--dynamodb <backend>', 'embedded (dynalite) or local (AWS DynamoDB Local, Java)').choices(['embedded', 'local']).default('embedded'))
  .option('--in-memory', 'keep no data on disk', false)
  .option('--data-dir <dir>', 'where data persists', '.irdr')
  .option('--time-scale <n>', 'run every Wait and timeout n times faster (local only)', positiveNumber, 1)
  .option('--port <port>', 'HTTP API port', port, 3000)
  .option('--sfn-port <port>', 'Step Functions API port', port, 8083)
  .option('--dynamodb-port <port>', 'DynamoDB port', port, 8000)
  .option('--ses-port <port>', 'SES API and mailbox page port', port, 8005)
  .addOption(new Option('--log-level <level>', 'handler log level').choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'))
  .option('--drill-schedules', 'run the drill plans\' schedules and canary writers (their source tables must exist)', false)
  .option('--events-port <port>', 'EventBridge PutEvents port (the default bus)', port, DEFAULT_EVENTBRIDGE_PORT)
  .option('--lambda-port <port>', 'Lambda Invoke API port', port, DEFAULT_LAMBDA_PORT)
  .action(localStartCommand);

program
  .command('demo')
  .description('seed a demo table, then run two restore drills that pass and one that fails for a real reason; print where to look')
  .option('--time-scale <n>', 'simulated time runs n times faster (restores take minutes in AWS)', positiveNumber, 60)
  .option('--in-memory', 'keep no data on disk', false)
  .option('--data-dir <dir>', 'where data persists', '.irdr')
  .option('--port <port>', 'HTTP API port', port, 3000)
  .option('--sfn-port <port>', 'Step Functions API port', port, 8083)
  .option('--dynamodb-port <port>', 'DynamoDB port', port, 8000)
  .option('--ses-port <port>', 'SES API and mailbox page port', port, 8005)
  .option('--exit', 'stop the local stack when the demo ends', false)
  .action(demoCommand);

local
  .command('env')
  .description('print export lines that point the AWS CLI and SDKs (and irdr incidents) at the local stack')
  .option('--port <port>', 'HTTP API port', port, 3000)
  .option('--sfn-port <port>', 'Step Functions API port', port, 8083)
  .option('--dynamodb-port <port>', 'DynamoDB port', port, 8000)
  .option('--ses-port <port>', 'SES API port', port, 8005)
  .option('--events-port <port>', 'EventBridge PutEvents port', port, DEFAULT_EVENTBRIDGE_PORT)
  .option('--lambda-port <port>', 'Lambda Invoke API port', port, DEFAULT_LAMBDA_PORT)
  .option('--data-dir <dir>', 'the data dir of the running stack (its evidence digests are there)', '.irdr')
  .action(localEnvCommand);

local
  .command('deliver-event <file>')
  .description('hand the running stack an event as an AWS service puts it on the bus (e.g. a GuardDuty finding); print what its targets did')
  .option('--events-port <port>', 'EventBridge port of the running stack', port, DEFAULT_EVENTBRIDGE_PORT)
  .action(localDeliverEventCommand);

const isoTime = (value: string): string => {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError('expected an ISO date or time, e.g. 2026-01-01');
  return parsed.toISOString();
};
const yearAgo = new Date(Date.now() - 366 * 24 * 3600 * 1000).toISOString();

const evidence = program.command('evidence').description('the continuity evidence: verify the trail, export it for an audit');
evidence
  .command('verify')
  .description('recompute every incident and drill-run trail of the period; exit 1 naming each edited, missing or reordered event')
  .option('--from <time>', 'start of the period (inclusive)', isoTime, yearAgo)
  .option('--to <time>', 'end of the period (exclusive)', isoTime, new Date(Date.now() + 60_000).toISOString())
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--digests <store>', 'the write-once digest store: s3://<bucket>/<prefix> (stack output EvidenceDigestStore) or file:///<folder>', process.env.IRDR_EVIDENCE_DIGEST_STORE)
  .option(
    '--digest-public-key-file <file>',
    'the digest-signing key\'s public half, PEM or DER (aws kms get-public-key --key-id <stack output EvidenceDigestSigningKeyArn>): every digest must be signed by it',
    process.env.IRDR_EVIDENCE_DIGEST_PUBLIC_KEY,
  )
  .action(evidenceVerifyCommand);
evidence
  .command('digest')
  .description('have the digest writer write a digest of every trail head now (the stack does it daily; only that function may sign one)')
  .option('--function <name>', 'the digest writer function (stack output EvidenceDigestFunctionName)', process.env.IRDR_DIGEST_FUNCTION)
  .action(evidenceDigestCommand);
evidence
  .command('export')
  .description('write every incident and drill run of the period, with its whole trail and chain verdict, as JSON, CSV and an HTML report, with a manifest; exit 1 if any trail is broken')
  .requiredOption('--from <time>', 'start of the period (inclusive)', isoTime)
  .requiredOption('--to <time>', 'end of the period (exclusive)', isoTime)
  .requiredOption('--out <dir>', 'a new or empty directory to write into')
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .addOption(new Option('--signing-key-file <path>', 'sign the manifest with this Ed25519 private key (PEM; irdr evidence keygen); without a key the manifest is only hashed').conflicts('kmsKeyId'))
  .option('--kms-key-id <id>', 'sign the manifest with this KMS key (ECC_NIST_EDWARDS25519; the stack output EvidenceSigningKeyArn)')
  .action(evidenceExportCommand);
evidence
  .command('check-export <dir>')
  .description('recompute the SHA-256 of every file of an export and the manifest\'s signature; exit 1 naming each changed file')
  .option('--public-key-file <path>', 'the signer\'s public key (PEM): the signature must be by this key')
  .action(evidenceCheckExportCommand);
evidence
  .command('coverage')
  .description('every DynamoDB table that holds data against the drill plans that restore it and their last pass; exit 1 if any is uncovered or stale')
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .action(evidenceCoverageCommand);
evidence
  .command('keygen')
  .description('make an Ed25519 key pair to sign evidence exports with')
  .requiredOption('--out <dir>', 'where to write evidence-signing-key.pem (mode 0600) and evidence-signing-key.pub.pem')
  .action(evidenceKeygenCommand);

const drills = program.command('drills').description('restore drills: run one now');
drills
  .command('run <planId>')
  .description('run a drill plan now, showing each step until it ends; exit 1 if the drill failed')
  .option('--state-machine-arn <arn>', 'the drill state machine', process.env.IRDR_DRILL_STATE_MACHINE_ARN)
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--interval <seconds>', 'how often to look at the run', positiveNumber, 1)
  .action(async (planId: string, flags: { stateMachineArn?: string; tableName: string; interval: number }) => {
    const stateMachineArn = flags.stateMachineArn;
    if (!stateMachineArn) return program.error('name the drill state machine: --state-machine-arn, or IRDR_DRILL_STATE_MACHINE_ARN (irdr local env sets it)');
    await drillsRunCommand(planId, { ...flags, stateMachineArn });
  });

const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
};
const label = (value: string, labels: Record<string, string> = {}): Record<string, string> => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected key=value, e.g. nis2=significant');
  return { ...labels, [value.slice(0, at)]: value.slice(at + 1) };
};

const incidents = program
  .command('incidents')
  .description('the incident API from a terminal: open, list, show, acknowledge, resolve, close, note, tasks, review')
  .addOption(new Option('--api <url>', 'the irdr API: the stack output ApiUrl, or the local HTTP API').env('IRDR_API_URL'))
  .addOption(new Option('--token <token>', 'a local dev token, sent as Authorization: Bearer; without one, requests are SigV4-signed with your AWS credentials').env('IRDR_TOKEN'))
  .option('--region <region>', 'the region to sign for (default: the API host\'s, else AWS_REGION or the profile\'s)');
/** The group's connection options (given before or after the subcommand) with the subcommand's own. */
const withConnection = <Flags>(command: Command): Flags & ConnectionFlags => command.optsWithGlobals<Flags & ConnectionFlags>();
const json = (): Option => new Option('--json', 'print the API\'s answer as it came');

incidents
  .command('open')
  .description('open an incident: POST /incidents with an Idempotency-Key (printed: a retry with it opens nothing new)')
  .requiredOption('--runbook <id>', 'the runbook to run, e.g. security-incident')
  .requiredOption('--title <title>', 'what happened, in a line')
  .requiredOption('--severity <severity>', 'SEV1, SEV2, SEV3 or SEV4')
  .requiredOption('--summary <summary>', 'what is known so far')
  .option('--label <key=value>', 'a label the runbook reads, e.g. nis2=significant (repeatable)', label)
  .option('--aware-at <time>', 'when the organisation became aware of it (regulatory clocks run from here)', isoTime)
  .option('--detected-at <time>', 'when it was detected', isoTime)
  .option('--exercise', 'a tabletop exercise: the same runbook, left out of response statistics', false)
  .option('--idempotency-key <key>', 'the key of an earlier attempt, to retry it (default: a new random UUID)')
  .addOption(json())
  .action((_flags, command: Command) => incidentsOpenCommand(withConnection(command)));
incidents
  .command('list')
  .description('incidents opened in a period (default: the last 30 days), newest first: GET /incidents')
  .option('--status <statuses>', 'comma list of open, acknowledged, resolved, closed')
  .option('--severity <severities>', 'comma list of SEV1..SEV4')
  .addOption(new Option('--mode <mode>', 'live incidents or exercises only').choices(['live', 'exercise']))
  .option('--from <time>', 'opened at or after (ISO time or date)')
  .option('--to <time>', 'opened before (ISO time or date)')
  .option('--limit <n>', 'page size, at most 100 (the API\'s default 25)', positiveInteger)
  .option('--all', 'follow nextToken through every page', false)
  .option('--next-token <token>', 'continue an earlier listing from this page')
  .addOption(json())
  .action((_flags, command: Command) => incidentsListCommand(withConnection(command)));
incidents
  .command('show <incidentId>')
  .description('the incident, its milestones, open tasks, clocks and timeline: GET /incidents/{id}')
  .addOption(json())
  .action((incidentId: string, _flags, command: Command) => incidentsShowCommand(incidentId, withConnection(command)));
incidents
  .command('ack <incidentId>')
  .description('acknowledge: POST /incidents/{id}/acknowledge (also completes the run\'s acknowledgement task)')
  .addOption(json())
  .action((incidentId: string, _flags, command: Command) => incidentsTransitionCommand('acknowledge', incidentId, withConnection(command)));
incidents
  .command('resolve <incidentId>')
  .description('resolve: POST /incidents/{id}/resolve (SEV1/SEV2 open the post-incident review)')
  .option('--summary <summary>', 'how it was resolved')
  .addOption(json())
  .action((incidentId: string, _flags, command: Command) => incidentsTransitionCommand('resolve', incidentId, withConnection(command)));
incidents
  .command('close <incidentId>')
  .description('close a resolved incident (commander): POST /incidents/{id}/close')
  .addOption(json())
  .action((incidentId: string, _flags, command: Command) => incidentsTransitionCommand('close', incidentId, withConnection(command)));
incidents
  .command('note <incidentId> <text>')
  .description('add a note, with you as its author, to the trail: POST /incidents/{id}/notes')
  .addOption(json())
  .action((incidentId: string, text: string, _flags, command: Command) => incidentsNoteCommand(incidentId, text, withConnection(command)));
incidents
  .command('tasks <incidentId>')
  .description('the incident\'s open human tasks and who may complete them: GET /incidents/{id}/tasks')
  .option('--all', 'completed and expired tasks too', false)
  .addOption(json())
  .action((incidentId: string, _flags, command: Command) => incidentsTasksCommand(incidentId, withConnection(command)));
incidents
  .command('complete <incidentId> <taskId>')
  .description('complete a human task as its assignee (or approve/reject as an approver): POST /incidents/{id}/tasks/{taskId}/complete')
  .addOption(new Option('--outcome <outcome>', 'done for a task; approved or rejected for an approval').choices(['done', 'approved', 'rejected']).makeOptionMandatory())
  .option('--comment <comment>', 'what was done or decided (required to reject)')
  .addOption(json())
  .action((incidentId: string, taskId: string, _flags, command: Command) => incidentsCompleteCommand(incidentId, taskId, withConnection(command)));
incidents
  .command('review <incidentId>')
  .description('the post-incident review draft, Markdown as the API writes it: GET /incidents/{id}/review')
  .action((incidentId: string, _flags, command: Command) => incidentsReviewCommand(incidentId, withConnection(command)));

await program.parseAsync(process.argv);
