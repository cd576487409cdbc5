import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupCatalog } from '../../local/backup/catalog.js';

const directory = mkdtempSync(join(tmpdir(), 'irdr-backup-catalog-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const point = (recoveryPointArn: string, status: 'CREATING' | 'COMPLETED') => ({
  recoveryPointArn,
  backupVaultName: 'drills',
  resourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders',
  resourceType: 'DynamoDB',
  iamRoleArn: 'arn:aws:iam::000000000000:role/backup',
  status,
  creationDate: 1,
});

describe('local AWS Backup catalog on disk', () => {
  it('keeps what it saved across a restart, and fails the jobs the stopped process was following (their points unusable)', async () => {
    const file = join(directory, 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        vaults: [{ name: 'drills', arn: 'arn:aws:backup:us-east-1:000000000000:backup-vault:drills', creationDate: 1 }],
        recoveryPoints: [point('rp-done', 'COMPLETED'), point('rp-running', 'CREATING')],
        backupJobs: [
          { backupJobId: 'B-DONE', recoveryPointArn: 'rp-done', state: 'COMPLETED', completionDate: 2 },
          { backupJobId: 'B-RUNNING', recoveryPointArn: 'rp-running', state: 'RUNNING' },
        ],
        restoreJobs: [
          { restoreJobId: 'R-DONE', status: 'COMPLETED', completionDate: 3 },
          { restoreJobId: 'R-PENDING', status: 'PENDING' },
        ],
      }),
    );
    const catalog = new BackupCatalog(file);
    expect(catalog.vaults.map((vault) => vault.name)).toEqual(['drills']);
    expect(catalog.backupJobs.map((job) => [job.backupJobId, job.state, job.statusMessage])).toEqual([
      ['B-DONE', 'COMPLETED', undefined],
      ['B-RUNNING', 'FAILED', 'the local stack stopped while the backup job ran'],
    ]);
    expect(catalog.recoveryPoints.map((candidate) => [candidate.recoveryPointArn, candidate.status])).toEqual([
      ['rp-done', 'COMPLETED'],
      ['rp-running', 'EXPIRED'],
    ]);
    expect(catalog.restoreJobs.map((job) => [job.restoreJobId, job.status])).toEqual([
      ['R-DONE', 'COMPLETED'],
      ['R-PENDING', 'FAILED'],
    ]);
    await catalog.save();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { restoreJobs: Array<{ status: string }> };
    expect(saved.restoreJobs.map((job) => job.status)).toEqual(['COMPLETED', 'FAILED']);
  });

  it('starts empty without a file, and without one on disk yet', () => {
    expect(new BackupCatalog().vaults).toEqual([]);
    expect(new BackupCatalog(join(directory, 'absent.json')).restoreJobs).toEqual([]);
  });
});
