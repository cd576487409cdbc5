import { Command, InvalidArgumentError, Option } from 'commander';
import { demoCommand } from '../local/cli/demo-command.js';
import { localDeliverEventCommand, localStartCommand, localEnvCommand } from '../local/cli/local-commands.js';
import { DEFAULT_EVENTBRIDGE_PORT } from '../local/stack-config.js';
import { drillsRunCommand } from './drill-commands.js';
import { evidenceCheckExportCommand, evidenceCoverageCommand, evidenceDigestCommand, evidenceExportCommand, evidenceKeygenCommand, evidenceVerifyCommand } from './evidence-commands.js';

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
  .action(evidenceVerifyCommand);
evidence
  .command('digest')
  .description('write a digest of every trail head now to the write-once store (the stack does it daily)')
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--digests <store>', 'the write-once digest store: s3://<bucket>/<prefix> or file:///<folder>', process.env.IRDR_EVIDENCE_DIGEST_STORE)
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

await program.parseAsync(process.argv);
