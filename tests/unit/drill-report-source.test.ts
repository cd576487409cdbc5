import { describe, expect, it } from 'vitest';
import { renderDrillReport } from '../../functions/domain/drill/report-email.js';
import type { DrillRunRecord } from '../../functions/domain/drill/run-record.js';

const context = { planTitle: 'Estate', controls: ['SOC2 A1.3'], recipients: ['owner@example.com'], runUrl: 'https://irdr.example/drill-runs/run-1' };
const record = (fields: Partial<DrillRunRecord>): DrillRunRecord => ({
  runId: 'run-1',
  planId: 'estate',
  trigger: 'cli',
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Drill:run-1',
  status: 'passed',
  startedAt: '2026-12-07T04:00:00.000Z',
  updatedAt: '2026-12-07T04:30:00.000Z',
  driver: 'aws-backup',
  ...fields,
});

describe('the drill report names what was restored, whatever its type', () => {
  it('a run of another type: its source (type, name, ARN) and the restored resource, not "unknown" and "nothing"', () => {
    const { text } = renderDrillReport(
      record({ source: { type: 'EFS', arn: 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1', name: 'prod-fs' }, restoredName: 'irdr-drill-estate-run-1' }),
      context,
    );
    expect(text).toContain('Source: EFS prod-fs (arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1) (aws-backup)');
    expect(text).toContain('Restored into: irdr-drill-estate-run-1');
  });

  it('a table run (and every record written before) reads as it always did', () => {
    const { text } = renderDrillReport(record({ driver: 'dynamodb-pitr', sourceTableName: 'orders', restoreTableName: 'irdr-drill-estate-run-1' }), context);
    expect(text).toContain('Source: orders (dynamodb-pitr)');
    expect(text).toContain('Restored into: irdr-drill-estate-run-1');
  });
});

describe('the drill report gives validation time its own line beside the restore', () => {
  const restore = { startedAt: '2026-12-07T04:01:00.000Z', completedAt: '2026-12-07T04:16:00.000Z', looks: 2, resolutionSeconds: 0 };

  it('restore and validation, each with its seconds (both inside RTO)', () => {
    const { text } = renderDrillReport(record({ restore, validation: { startedAt: '2026-12-07T04:16:02.000Z', completedAt: '2026-12-07T04:17:32.000Z', seconds: 90 } }), context);
    expect(text).toContain('  Restore: 2026-12-07T04:01:00.000Z to 2026-12-07T04:16:00.000Z (900 s), seen complete within 0 s, 2 looks\n  Validation: 2026-12-07T04:16:02.000Z to 2026-12-07T04:17:32.000Z (90 s)');
  });

  it('a run recorded before validation was timed, or stopped before it: no validation line', () => {
    expect(renderDrillReport(record({ restore }), context).text).not.toContain('Validation:');
  });
});
