/**
 * State transitions of one restore drill whose restore takes 20 simulated minutes, on the local stack running the real
 * drill state machine and handlers: an AWS Backup restore waited for by its job's end event (task token, with a slow
 * look as the safety net) and an RDS PostgreSQL instance restored to a point in time, waited for by RDS's own event
 * the same way, against DynamoDB PITR restores followed by adaptive polling (the default where no event comes) and by
 * a fixed 30-second poll. Standard workflows are billed per state transition, and every look is a Lambda
 * invocation. Beside the counts: how long after the restore really completed the drill went on.
 *
 * Time runs 60× faster (a simulated 20 minutes is 20 s): at 600× each look's own few real milliseconds stretched the
 * fixed poll's 30 s by half, so its count moved with the machine. The runs share the stack, the table and the restore time.
 */
import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, DescribeRestoreJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_DRILL_DATABASE_SECRET_NAME, LOCAL_REGION } from '../local/stack-config.js';
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { executionHistory, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';
import { compared, type Bench } from './figure.js';
import { runIfMain } from './stats.js';

const SOURCE = 'irdr-bench-orders';
const VAULT = 'irdr-bench-drills';
const RESTORE_MINUTES = 20;
const TIME_SCALE = 60;
const common = { source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }], targets: { rtoMinutes: 60, rpoMinutes: 15 } };
const events = testPlan({ id: 'aws-backup-events', ...common, targets: { rtoMinutes: 60, rpoMinutes: 24 * 60 }, driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-bench-restore`, backupVaultName: VAULT } });
const adaptive = testPlan({ id: 'adaptive', ...common });
const fixed = testPlan({ id: 'fixed-30s', ...common, polling: { strategy: 'fixed', intervalSeconds: 30 } });
const DATABASE = 'irdr-bench-ledger';
const DATABASE_SECRET = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${LOCAL_DRILL_DATABASE_SECRET_NAME}`;
const rdsEvents = testPlan({
  id: 'rds-events',
  source: { type: 'rds-database', engine: 'postgres', identifier: DATABASE },
  driver: { type: 'rds-pitr' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  checks: [{ type: 'sql-row-count', id: 'entries', table: 'entries', expected: 3 }],
  sqlAccess: { via: 'wire', secretArn: DATABASE_SECRET, database: 'postgres' },
});

interface Measured {
  readonly transitions: number;
  readonly looks: number;
  /** Simulated seconds from the restore's real completion to the drill going on to validate it (events run only). */
  readonly lagSeconds?: number;
  /** Simulated seconds between the completion the run recorded and the job's own CompletionDate (events run only). */
  readonly recordedOffSeconds?: number;
  /** The wait before the look that saw the restore complete: how late a poll may see it (simulated seconds). */
  readonly resolutionSeconds: number;
}

export const bench: Bench = async () => {
  const local = await startTestStack({
    timeScale: TIME_SCALE,
    drillPlans: [events, rdsEvents, adaptive, fixed],
    dynamodbRecovery: { restoreDuration: { baseMs: RESTORE_MINUTES * 60_000, perItemMs: 0 }, backupDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
    // Every database the local RDS makes (the source too) stays creating this long: the restore's simulated length.
    rdsRecovery: { restoreDurationMs: RESTORE_MINUTES * 60_000 },
  });
  const backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const drills = drillSession(local);
    await drills.restorableSource(SOURCE, 50);
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
    const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`, IamRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-bench-restore` }));
    while ((await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }))).State !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 50));
    await restorableDatabase(local);

    const measured: Record<string, Measured> = {};
    for (const plan of [events, rdsEvents, adaptive, fixed]) {
      const { execution, view } = await drills.runDrill(plan.id);
      if (execution.status !== 'SUCCEEDED') throw new Error(`drill ${plan.id} ended ${execution.status}/${view.run?.status}: ${JSON.stringify(view.run?.reasons)}`);
      const history = await executionHistory(local, execution.executionArn!);
      const looks = history.filter((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'Check restore').length;
      const figures: Measured = { transitions: stateTransitions(history), looks, resolutionSeconds: view.run.restore.resolutionSeconds * (plan === events ? TIME_SCALE : 1) };
      const restoreJobId = view.events.find((event) => event.type === 'drill.restore.started')?.detail?.restoreJobId as string | undefined;
      if (restoreJobId) {
        const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
        const validating = history.find((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'Plan validation')!;
        const completed = job.CompletionDate!.getTime();
        Object.assign(figures, {
          lagSeconds: ((validating.timestamp!.getTime() - completed) / 1000) * TIME_SCALE,
          recordedOffSeconds: (Math.abs(Date.parse(view.run.restore.completedAt) - completed) / 1000) * TIME_SCALE,
        });
      }
      measured[plan.id] = figures;
    }
    const byEvent = measured[events.id]!;
    const rdsByEvent = measured[rdsEvents.id]!;
    const polled = measured[adaptive.id]!;
    const fixed30 = measured[fixed.id]!;
    const note = `one drill, ${RESTORE_MINUTES}-minute simulated restore, RTO target 60 min; baselines poll a PITR restore of the same length`;
    return [
      compared({ bench: 'drill-polling', name: 'by event: state transitions', value: byEvent.transitions, unit: 'transitions', baseline: { name: 'adaptive poll', value: polled.transitions }, note }),
      compared({ bench: 'drill-polling', name: 'RDS by event: state transitions', value: rdsByEvent.transitions, unit: 'transitions', baseline: { name: 'adaptive poll', value: polled.transitions }, note }),
      compared({ bench: 'drill-polling', name: 'RDS by event: looks at the restore', value: rdsByEvent.looks, unit: 'looks', baseline: { name: 'adaptive poll', value: polled.looks }, note }),
      compared({ bench: 'drill-polling', name: 'adaptive: state transitions', value: polled.transitions, unit: 'transitions', baseline: { name: 'fixed 30 s poll', value: fixed30.transitions }, note }),
      compared({ bench: 'drill-polling', name: 'by event: looks at the restore', value: byEvent.looks, unit: 'looks', baseline: { name: 'adaptive poll', value: polled.looks }, note }),
      compared({ bench: 'drill-polling', name: 'adaptive: looks at the restore', value: polled.looks, unit: 'looks', baseline: { name: 'fixed 30 s poll', value: fixed30.looks }, note }),
      compared({
        bench: 'drill-polling',
        name: 'by event: job completed → validating (simulated s)',
        value: Math.round(byEvent.lagSeconds! * 10) / 10,
        unit: 's',
        baseline: { name: 'adaptive poll: up to its last wait', value: polled.resolutionSeconds },
        note: 'the drill went on this long after the restore job\'s CompletionDate (time scale 60: 1 real ms = 0.06 s)',
      }),
      compared({
        bench: 'drill-polling',
        name: 'by event: recorded completion vs the job\'s CompletionDate (simulated s)',
        value: Math.round(byEvent.recordedOffSeconds! * 10) / 10,
        unit: 's',
        baseline: { name: 'adaptive poll: up to its last wait', value: polled.resolutionSeconds },
        note: 'RTO counts the restore to this completion, plus validation',
      }),
    ];
  } finally {
    backup.destroy();
    await local.stop();
  }
};

/** The RDS source: a PostgreSQL instance with three rows, restorable to now (its creation takes the restore's simulated length too). */
async function restorableDatabase(local: Awaited<ReturnType<typeof startTestStack>>): Promise<void> {
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const secrets = new SecretsManagerClient({ ...clientConfig, endpoint: local.stack.secretsManagerEndpoint });
  const rds = new RDSClient({ ...clientConfig, endpoint: local.stack.rds.endpoint });
  try {
    const master = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: DATABASE_SECRET }))).SecretString!) as { username: string; password: string };
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: DATABASE, Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', MasterUsername: master.username, MasterUserPassword: master.password }));
    const described = async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DATABASE }))).DBInstances![0]!;
    while ((await described()).DBInstanceStatus !== 'available') await new Promise((resolve) => setTimeout(resolve, 100));
    const { Endpoint } = await described();
    const client = new pg.Client({ host: Endpoint!.Address!, port: Endpoint!.Port!, user: master.username, password: master.password, database: 'postgres', ssl: false });
    await client.connect();
    try {
      await client.query('CREATE TABLE entries (id int PRIMARY KEY, amount numeric)');
      await client.query('INSERT INTO entries VALUES (1, 10), (2, 20), (3, 30)');
    } finally {
      await client.end();
    }
    const written = Date.now();
    while (((await described()).LatestRestorableTime?.getTime() ?? 0) < written + 1000) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    secrets.destroy();
    rds.destroy();
  }
}

await runIfMain(import.meta.url, bench);
