import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, ListBackupVaultsCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { CreateBucketCommand, HeadBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../stack-config.js';

/*
 * The demo's S3 side: the versioned orders archive bucket workflows/drills/orders-archive-s3.yaml drills, backed up
 * by the local AWS Backup as a backup plan would, and the closed 2025 ledger object the plan pins.
 */

/** The bucket the example S3 plan drills. */
export const DEMO_BUCKET = 'irdr-demo-orders-archive';
const DEMO_VAULT = 'irdr-demo-vault';
const BACKUP_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const ARCHIVED_ORDERS = 50;
const LEDGER_KEY = 'ledger/2025/closing.json';
/** As signed off: the plan pins this body's SHA-256. */
const CLOSED_LEDGER = JSON.stringify({ period: '2025', closedAt: '2026-01-15', totalCents: 12345600, entries: 12 });

const s3Client = (endpoint: string): S3Client => new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });

/** Creates the versioned archive bucket (once) with archived orders and the closed ledger. */
export async function seedArchiveBucket(endpoint: string): Promise<void> {
  const s3 = s3Client(endpoint);
  try {
    const exists = await s3.send(new HeadBucketCommand({ Bucket: DEMO_BUCKET })).then(() => true, () => false);
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket: DEMO_BUCKET }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: DEMO_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    for (let index = 0; index < ARCHIVED_ORDERS; index += 1) {
      const order = { order: index, status: index % 5 === 0 ? 'refunded' : 'delivered', totalCents: 1000 + ((index * 7919) % 50_000) };
      await s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: `orders/${String(index).padStart(5, '0')}.json`, Body: JSON.stringify(order), ContentType: 'application/json' }));
    }
    await s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: LEDGER_KEY, Body: CLOSED_LEDGER, ContentType: 'application/json' }));
  } finally {
    s3.destroy();
  }
}

/** Someone rewrites the closed ledger in the live bucket: the next backup holds it altered. */
export async function alterClosedLedger(endpoint: string): Promise<void> {
  const s3 = s3Client(endpoint);
  try {
    await s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: LEDGER_KEY, Body: JSON.stringify({ ...JSON.parse(CLOSED_LEDGER), totalCents: 1 }), ContentType: 'application/json' }));
  } finally {
    s3.destroy();
  }
}

/** Backs the archive bucket up through the local AWS Backup (as its backup plan would) and waits for the recovery point. */
export async function backUpArchiveBucket(backupEndpoint: string): Promise<string> {
  const backup = new BackupClient({ endpoint: backupEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const vaults = (await backup.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? [];
    if (!vaults.some((vault) => vault.BackupVaultName === DEMO_VAULT)) await backup.send(new CreateBackupVaultCommand({ BackupVaultName: DEMO_VAULT }));
    const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: DEMO_VAULT, ResourceArn: `arn:aws:s3:::${DEMO_BUCKET}`, IamRoleArn: BACKUP_ROLE }));
    for (let look = 0; look < 600; look += 1) {
      const job = await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
      if (job.State === 'COMPLETED') return started.RecoveryPointArn!;
      if (job.State === 'FAILED' || job.State === 'ABORTED') throw new Error(`the backup of s3://${DEMO_BUCKET} ${job.State}: ${job.StatusMessage ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the backup of s3://${DEMO_BUCKET} did not complete`);
  } finally {
    backup.destroy();
  }
}
