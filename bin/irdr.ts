import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_EVENTBRIDGE_PORT, DEFAULT_LAMBDA_PORT, DEFAULT_PORTS } from '../local/stack-config.js';
import { noLocalStackMessage, noTargetMessage } from './no-local-stack.js';
import { UsageError } from './usage-error.js';
import type { ConnectionFlags } from './incident-commands.js';
import { escapeConsoleOutput } from './terminal-output.js';

// Each command's module is loaded when that command runs: `irdr incidents ack` need not load the local stack (or CDK).
const localCommands = () => import('../local/cli/local-commands.js');
const demoCommands = () => import('../local/cli/demo-command.js');
const drillCommands = () => import('./drill-commands.js');
const drillValidate = () => import('./drill-validate.js');
const incidentCommands = () => import('./incident-commands.js');
const correctiveActionCommands = () => import('./corrective-action-commands.js');
// Each evidence command loads what it needs: verify no Lambda client or YAML, check-export no SDK at all.
const evidenceVerifyCommand = () => import('./evidence-verify-command.js');
const evidenceDigestCommand = () => import('./evidence-digest-command.js');
const evidenceExportCommand = () => import('./evidence-export-command.js');
const evidenceCoverageCommand = () => import('./evidence-coverage-command.js');
const evidenceKeyCommands = () => import('./evidence-key-commands.js');
const statementCommands = () => import('./statement-commands.js');
const checkStatementCommand = () => import('./check-statement-command.js');
const complianceCommands = () => import('./compliance-commands.js');
const remoteExportCommand = () => import('./remote-export-command.js');
const oncallCommands = () => import('./oncall-commands.js');

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

/** The options `irdr local start` and `irdr demo` share: where the data lives and the port of each service. */
const withStackOptions = (command: Command): Command =>
  command
    .addOption(new Option('--dynamodb <backend>', 'embedded (dynalite) or local (AWS DynamoDB Local, Java)').choices(['embedded', 'local']).default('embedded'))
    .option('--in-memory', 'keep no data on disk', false)
    .option('--data-dir <dir>', 'where data persists (and where the running stack publishes its endpoints for `irdr local env`)', '.irdr')
    .option('--port <port>', 'HTTP API port', port, DEFAULT_PORTS.http)
    .option('--sfn-port <port>', 'Step Functions API port', port, DEFAULT_PORTS.stepFunctions)
    .option('--dynamodb-port <port>', 'DynamoDB port', port, DEFAULT_PORTS.dynamodb)
    .option('--ses-port <port>', 'SES API and mailbox page port', port, DEFAULT_PORTS.ses)
    .option('--events-port <port>', 'EventBridge PutEvents port (the default bus)', port, DEFAULT_EVENTBRIDGE_PORT)
    .option('--lambda-port <port>', 'Lambda Invoke API port', port, DEFAULT_LAMBDA_PORT);

withStackOptions(local.command('start').description('start the local stack in the foreground; Ctrl-C stops it'))
  .option('--time-scale <n>', 'run every Wait and timeout n times faster (local only)', positiveNumber, 1)
  .addOption(new Option('--log-level <level>', 'handler log level').choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'))
  .option('--drill-schedules', 'run the drill plans\' schedules and canary writers (their source tables must exist)', false)
  .action(async (...args: Parameters<Awaited<ReturnType<typeof localCommands>>['localStartCommand']>) => (await localCommands()).localStartCommand(...args));

withStackOptions(
  program.command('demo').description('seed a demo table and bucket, then run restore drills (tables and an S3 bucket; some pass, some fail for a real reason); print where to look'),
)
  .option('--time-scale <n>', 'simulated time runs n times faster (restores take minutes in AWS)', positiveNumber, 60)
  .option('--exit', 'stop the local stack when the demo ends', false)
  .action(async (...args: Parameters<Awaited<ReturnType<typeof demoCommands>>['demoCommand']>) => (await demoCommands()).demoCommand(...args));

local
  .command('env')
  .description('print export lines that point the AWS CLI and SDKs (and irdr) at the stack running on the data dir; exit 1 if none runs there')
  .option('--data-dir <dir>', 'the data dir of the running stack (`irdr local start --data-dir`)', '.irdr')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof localCommands>>['localEnvCommand']>) => (await localCommands()).localEnvCommand(...args));

local
  .command('deliver-event <file>')
  .description('hand the running stack an event as an AWS service puts it on the bus (e.g. a GuardDuty finding); print what its targets did')
  .addOption(new Option('--endpoint-url <url>', 'the running stack\'s EventBridge endpoint (default: the one the stack on --data-dir published)').env('AWS_ENDPOINT_URL_EVENTBRIDGE'))
  .option('--data-dir <dir>', 'the data dir of the running stack', '.irdr')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof localCommands>>['localDeliverEventCommand']>) => (await localCommands()).localDeliverEventCommand(...args));

const isoTime = (value: string): string => {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError('expected an ISO date or time, e.g. 2026-01-01');
  return parsed.toISOString();
};
const yearAgo = new Date(Date.now() - 366 * 24 * 3600 * 1000).toISOString();

const evidence = program.command('evidence').description('the continuity evidence: verify the trail, export it for an audit');
// A mistyped table holds no trails ("every chain intact" of nothing is a false all-clear): checked before any of them runs.
evidence.hook('preAction', async (_group, command) => {
  const { tableName, remote } = command.opts<{ tableName?: string; remote?: boolean }>();
  // --remote reads no table here: the API's export does.
  if (tableName !== undefined && !remote) await (await import('./table-preflight.js')).requireTable(tableName);
});
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
  .option('--checkpoint <file>', 'verify each trail only from where the last intact run (with digests and their key) left it, and update the file (docs/verify-performance.md)')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof evidenceVerifyCommand>>['evidenceVerifyCommand']>) => (await evidenceVerifyCommand()).evidenceVerifyCommand(...args));
evidence
  .command('push-again')
  .description("once the cause of Vanta's or Drata's 4xx is fixed, make a signed-off record's or an exported period's rejected pushes again (each still once)")
  .option('--incident <id>', 'the signed-off incident')
  .option('--drill-run <id>', 'the signed-off drill run')
  .option('--export <id>', 'an exported period (POST /evidence/exports) whose signed zip a platform refused')
  .option('--table-name <name>', 'the evidence table, where the export names its zip', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--function <name>', 'the compliance push function (stack output CompliancePushFunctionName)', process.env.IRDR_COMPLIANCE_PUSH_FUNCTION)
  .action(async (...args: Parameters<Awaited<ReturnType<typeof complianceCommands>>['evidencePushAgainCommand']>) => (await complianceCommands()).evidencePushAgainCommand(...args));
evidence
  .command('digest')
  .description('have the digest writer write a digest of every trail head now (the stack does it daily; only that function may sign one)')
  .option('--function <name>', 'the digest writer function (stack output EvidenceDigestFunctionName)', process.env.IRDR_DIGEST_FUNCTION)
  .action(async (...args: Parameters<Awaited<ReturnType<typeof evidenceDigestCommand>>['evidenceDigestCommand']>) => (await evidenceDigestCommand()).evidenceDigestCommand(...args));
evidence
  .command('export')
  .description('write every incident and drill run of the period, with its whole trail and chain verdict, as JSON, CSV and an HTML report, with a manifest; exit 1 if any trail is broken')
  .requiredOption('--from <time>', 'start of the period (inclusive)', isoTime)
  .requiredOption('--to <time>', 'end of the period (exclusive)', isoTime)
  .requiredOption('--out <dir>', 'a new or empty directory to write into')
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .addOption(new Option('--signing-key-file <path>', 'sign the manifest with this Ed25519 private key (PEM; irdr evidence keygen); without a key the manifest is only hashed').conflicts('kmsKeyId'))
  .option('--kms-key-id <id>', 'sign the manifest with this KMS key (ECC_NIST_EDWARDS25519; the stack output EvidenceSigningKeyArn)')
  .addOption(new Option('--remote', 'export through the API (POST /evidence/exports), any period, with progress; download the signed zip (the auditor\'s link) into --out').conflicts(['signingKeyFile', 'kmsKeyId']))
  .addOption(new Option('--api <url>', 'with --remote: the irdr API (the stack output ApiUrl, or the local HTTP API)').env('IRDR_API_URL'))
  .addOption(new Option('--token <token>', 'with --remote: a local dev token, or a dev identity\'s name such as dev-auditor; without one, SigV4 with your AWS credentials').env('IRDR_TOKEN'))
  .option('--region <region>', 'with --remote: the region to sign for')
  .action(async (flags: Parameters<Awaited<ReturnType<typeof evidenceExportCommand>>['evidenceExportCommand']>[0] & { remote?: boolean } & ConnectionFlags) =>
    flags.remote ? (await remoteExportCommand()).evidenceRemoteExportCommand(flags) : (await evidenceExportCommand()).evidenceExportCommand(flags),
  );
evidence
  .command('check-export <dir>')
  .description('recompute the SHA-256 of every file of an export and the manifest\'s signature; exit 1 naming each changed file')
  .option('--public-key-file <path>', 'the signer\'s public key (PEM): the signature must be by this key')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof evidenceKeyCommands>>['evidenceCheckExportCommand']>) => (await evidenceKeyCommands()).evidenceCheckExportCommand(...args));
evidence
  .command('coverage')
  .description('every resource AWS Backup protects and every DynamoDB table, per type, against the drill runs of the period; then each table against the plans that restore it; exit 1 if any was not drilled, or is uncovered or stale')
  .option('--from <time>', 'start of the period (inclusive)', isoTime, new Date(Date.now() - 90 * 86_400_000).toISOString())
  .option('--to <time>', 'end of the period (exclusive)', isoTime, new Date().toISOString())
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--count', "count each table's items with a Scan (reads every table in full) instead of DynamoDB's estimate, refreshed about every 6 hours")
  .action(async (...args: Parameters<Awaited<ReturnType<typeof evidenceCoverageCommand>>['evidenceCoverageCommand']>) => (await evidenceCoverageCommand()).evidenceCoverageCommand(...args));
evidence
  .command('statement')
  .description('the public continuity statement of a period (drill cadence met and gaps, RTO/RPO, restore coverage, incident response figures; no internal names), signed with the export\'s key, naming the full export it summarises by hash')
  .option('--period <span>', 'the last N months or days: 12m (1-12m) or 90d (1-366d); or give --from and --to')
  .option('--from <time>', 'start of the period (inclusive), with --to', isoTime)
  .option('--to <time>', 'end of the period (exclusive), with --from', isoTime)
  .option('--out <dir>', `a new or empty directory for continuity-statement.json, .html and .pdf (default: the JSON to stdout)`)
  .option('--export-out <dir>', 'a new or empty directory for the full evidence export the statement summarises (for the auditor, under NDA; never publish it)')
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .addOption(new Option('--signing-key-file <path>', 'sign with this Ed25519 private key (PEM; irdr evidence keygen)').conflicts('kmsKeyId'))
  .option('--kms-key-id <id>', 'sign with this KMS key (the stack output EvidenceSigningKeyArn; locally alias/irdr-evidence-signing)')
  .option('--publish [s3-url]', 'also put continuity-statement.json, .html and .pdf at s3://<bucket>[/<prefix>] (default: config evidence.statement.publishTo) for the Trust Center')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof statementCommands>>['evidenceStatementCommand']>) => (await statementCommands()).evidenceStatementCommand(...args));
evidence
  .command('check-statement <file>')
  .description('verify a continuity statement (JSON or HTML) against the pinned key and, given the export it names, that the export is that one and intact; exit 1 naming why not')
  .requiredOption('--public-key-file <path>', 'the export signing key\'s public half (PEM or DER: aws kms get-public-key --key-id <EvidenceSigningKeyArn>)')
  .option('--export <zip-or-dir>', 'the full evidence export it summarises: the zip GET /evidence answers with, or a directory from irdr evidence export/statement --export-out')
  .option('--pdf <file>', 'continuity-statement.pdf: check it is the drawing of the signed statement (its figures unedited)')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof checkStatementCommand>>['evidenceCheckStatementCommand']>) => (await checkStatementCommand()).evidenceCheckStatementCommand(...args));
evidence
  .command('keygen')
  .description('make an Ed25519 key pair to sign evidence exports with')
  .requiredOption('--out <dir>', 'where to write evidence-signing-key.pem (mode 0600) and evidence-signing-key.pub.pem')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof evidenceKeyCommands>>['evidenceKeygenCommand']>) => (await evidenceKeyCommands()).evidenceKeygenCommand(...args));

const drills = program.command('drills').description('restore drills: validate plans, run one now');
drills
  .command('validate [files...]')
  .description('check drill plan files (default: workflows/drills) as synth and the drill functions do; exit 1 if any is refused')
  .action(async (files: string[]) => (await drillValidate()).drillsValidateCommand(files));
drills
  .command('run <planId>')
  .description('run a drill plan now, showing each step until it ends; exit 1 if the drill failed')
  .option('--state-machine-arn <arn>', 'the drill state machine', process.env.IRDR_DRILL_STATE_MACHINE_ARN)
  .option('--table-name <name>', 'the evidence table', process.env.IRDR_TABLE_NAME ?? 'irdr-local')
  .option('--interval <seconds>', 'how often to look at the run', positiveNumber, 1)
  .action(async (planId: string, flags: { stateMachineArn?: string; tableName: string; interval: number }) => {
    const stateMachineArn = flags.stateMachineArn;
    if (!stateMachineArn) return program.error('name the drill state machine: --state-machine-arn, or IRDR_DRILL_STATE_MACHINE_ARN (irdr local env sets it)');
    await (await drillCommands()).drillsRunCommand(planId, { ...flags, stateMachineArn });
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
  .description('the incident API from a terminal: open, list, show, acknowledge, resolve, close, classify, note, tasks, complete, draft, review')
  .addOption(new Option('--api <url>', 'the irdr API: the stack output ApiUrl, or the local HTTP API').env('IRDR_API_URL'))
  .addOption(new Option('--token <token>', 'a local dev token (sent as Authorization: Bearer), or a dev identity\'s name such as dev-responder for its token of this start (`irdr local env` exports them); without one, requests are SigV4-signed with your AWS credentials').env('IRDR_TOKEN'))
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
  .action(async (_flags, command: Command) => (await incidentCommands()).incidentsOpenCommand(withConnection(command)));
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
  .action(async (_flags, command: Command) => (await incidentCommands()).incidentsListCommand(withConnection(command)));
incidents
  .command('show <incidentId>')
  .description('the incident, its milestones, open tasks, clocks and timeline: GET /incidents/{id}')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsShowCommand(incidentId, withConnection(command)));
incidents
  .command('ack <incidentId>')
  .description('acknowledge: POST /incidents/{id}/acknowledge (also completes the run\'s acknowledgement task)')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsTransitionCommand('acknowledge', incidentId, withConnection(command)));
incidents
  .command('resolve <incidentId>')
  .description('resolve: POST /incidents/{id}/resolve (SEV1/SEV2 open the post-incident review)')
  .option('--summary <summary>', 'how it was resolved')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsTransitionCommand('resolve', incidentId, withConnection(command)));
incidents
  .command('close <incidentId>')
  .description('close a resolved incident (commander): POST /incidents/{id}/close')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsTransitionCommand('close', incidentId, withConnection(command)));
incidents
  .command('classify <incidentId>')
  .description('reclassify (commander): severity and regulatory labels, with a reason; each label added starts its report stages: POST /incidents/{id}/classify')
  // Severities and labels are the API's to check (one definition, its 400 says what is allowed).
  .option('--severity <severity>', 'the new severity: SEV1, SEV2, SEV3 or SEV4')
  .option('--add <labels...>', 'labels to add: personal-data (GDPR), major-ict (DORA), significant (NIS2), material (SEC 8-K)')
  .option('--remove <labels...>', 'labels to remove (reports already running go on)')
  .option('--reason <reason>', 'why (required unless the change only raises the severity)')
  .option('--determined-at <time>', 'SEC: when the incident was determined material, if before now', isoTime)
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsClassifyCommand(incidentId, withConnection(command)));
incidents
  .command('note <incidentId> <text>')
  .description('add a note, with you as its author, to the trail: POST /incidents/{id}/notes')
  .addOption(json())
  .action(async (incidentId: string, text: string, _flags, command: Command) => (await incidentCommands()).incidentsNoteCommand(incidentId, text, withConnection(command)));
incidents
  .command('tasks <incidentId>')
  .description('the incident\'s open human tasks and who may complete them: GET /incidents/{id}/tasks')
  .option('--all', 'completed and expired tasks too', false)
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsTasksCommand(incidentId, withConnection(command)));
incidents
  .command('complete <incidentId> <taskId>')
  .description('complete a human task as its assignee (or approve/reject as an approver): POST /incidents/{id}/tasks/{taskId}/complete')
  .addOption(new Option('--outcome <outcome>', 'done for a task; approved or rejected for an approval').choices(['done', 'approved', 'rejected']).makeOptionMandatory())
  .option('--comment <comment>', 'what was done or decided (required to reject)')
  .option('--reference <reference>', "a report stage's submission (report-<regulation>-<stage>): the regulator's reference for it")
  .addOption(json())
  .action(async (incidentId: string, taskId: string, _flags, command: Command) => (await incidentCommands()).incidentsCompleteCommand(incidentId, taskId, withConnection(command)));
incidents
  .command('draft <incidentId> <taskId>')
  .description("a regulatory report stage's draft (report-<regulation>-<stage>), Markdown built from the record as the API writes it: GET /incidents/{id}/tasks/{taskId}/draft")
  .action(async (incidentId: string, taskId: string, _flags, command: Command) => (await incidentCommands()).incidentsDraftCommand(incidentId, taskId, withConnection(command)));
incidents
  .command('review <incidentId>')
  .description('the post-incident review draft, Markdown as the API writes it: GET /incidents/{id}/review')
  .action(async (incidentId: string, _flags, command: Command) => (await incidentCommands()).incidentsReviewCommand(incidentId, withConnection(command)));
incidents
  .command('review-record <incidentId>')
  .description('record the review (commander): root cause, what went well, what did not, and why no corrective action if none: POST /incidents/{id}/review')
  .requiredOption('--root-cause <text>', 'what caused the incident')
  .option('--went-well <text>', 'what went well')
  .option('--went-badly <text>', 'what did not')
  .option('--none-because <text>', 'why the review decided on no corrective action (a SEV1/SEV2 review needs an action or this)')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await correctiveActionCommands()).reviewRecordCommand(incidentId, withConnection(command)));
const actions = incidents.command('actions').description("a review's corrective actions: list, add (commander), close with evidence (owner or commander)");
actions
  .command('list <incidentId>')
  .description('the incident\'s corrective actions and their state (open, overdue, closed): GET /incidents/{id}/actions')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await correctiveActionCommands()).actionsListCommand(incidentId, withConnection(command)));
actions
  .command('add <incidentId>')
  .description('add a corrective action (commander): its owner is reminded before due, and the commanders when it is overdue: POST /incidents/{id}/actions')
  .requiredOption('--title <text>', 'what is to change')
  .requiredOption('--owner <email>', 'the owner: one of the configured people (config roles.<role>.people)')
  .requiredOption('--due <date>', 'due date, YYYY-MM-DD (end of that day UTC) or an ISO time with offset')
  .option('--owner-principal <arn>', 'the IAM principal the owner signs in as, so they may close it themselves')
  .option('--detail <text>', 'more about the action')
  .addOption(json())
  .action(async (incidentId: string, _flags, command: Command) => (await correctiveActionCommands()).actionsAddCommand(incidentId, withConnection(command)));
actions
  .command('close <incidentId> <actionId>')
  .description('close a corrective action with evidence it was done, a note or an https link (its owner or a commander): POST /incidents/{id}/actions/{actionId}/close')
  .option('--note <text>', 'what was done')
  .option('--link <url>', 'the change, ticket or document that shows it (https)')
  .addOption(json())
  .action(async (incidentId: string, actionId: string, _flags, command: Command) => (await correctiveActionCommands()).actionsCloseCommand(incidentId, actionId, withConnection(command)));

const oncall = program.command('oncall').description('on-call schedules (config roles.<role>.onCall): who a page goes to');
oncall
  .command('who <role>')
  .description('who is on call for a role now (or --at), from which layer or override, and until when')
  .option('--at <time>', 'the instant to ask about, ISO (default: now)', isoTime)
  .option('--config <file>', 'read this config file instead of the deployed one (checks it as a deploy would)')
  .option('--json', 'print the answer as JSON')
  .action(async (...args: Parameters<Awaited<ReturnType<typeof oncallCommands>>['oncallWhoCommand']>) => (await oncallCommands()).oncallWhoCommand(...args));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A mistyped name, or pointed at a local stack that is not there or at nothing: say so, not the SDK's trace.
  if (error instanceof UsageError) {
    console.error(`irdr: ${error.message}`);
    process.exitCode = 2;
  } else {
    const noStack = noLocalStackMessage(error) ?? noTargetMessage(error);
    if (!noStack) throw error;
    console.error(`irdr: ${noStack}`);
    process.exitCode = 1;
  }
}
