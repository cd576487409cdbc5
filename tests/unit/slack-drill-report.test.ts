import { describe, expect, it } from 'vitest';
import type { DrillRunRecord } from '../../functions/domain/drill/run-record.js';
import { drillReportChannel, drillReportMessage } from '../../functions/domain/slack-drill-report.js';
import { SlackConfig } from '../../functions/domain/slack-config.js';

const run = (overrides: Partial<DrillRunRecord>): DrillRunRecord =>
  ({ runId: 'run-1', planId: 'ledger', status: 'passed', startedAt: '2026-12-07T08:00:00Z', updatedAt: '2026-12-07T08:10:00Z', trigger: 'schedule', executionArn: 'arn', ...overrides }) as DrillRunRecord;

describe('a drill report in Slack', () => {
  it('says a failed run failed first, with RTO/RPO against targets and each failed check as expected vs actual', () => {
    const message = drillReportMessage(
      run({ status: 'failed', rtoSeconds: 600, targets: { rtoMinutes: 60, rpoMinutes: 15 }, checks: [{ id: 'closed-ledger', type: 'checksum', passed: false, expected: 'SHA-256 aa', actual: 'SHA-256 bb' }, { id: 'count', type: 'item-count', passed: true, expected: '3', actual: '3' }] as never }),
      'Ledger',
      'https://api.example.com/drill-runs/run-1',
    );
    expect(message.text).toBe('Drill FAILED: Ledger (run run-1)');
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('RTO 10.0 min (target 60 min)');
    expect(blocks).toContain('RPO not measured (target 15 min)');
    expect(blocks).toContain('checks 1 of 2 passed');
    expect(blocks).toContain('closed-ledger: expected SHA-256 aa; actual SHA-256 bb');
  });

  it('escapes what came from outside: a plan title or a check value cannot ping the channel or link anywhere', () => {
    const message = drillReportMessage(
      run({ status: 'failed', checks: [{ id: 'sql-query', type: 'sql-query', passed: false, expected: '<!channel>', actual: '<https://evil.example|click>' }] as never }),
      '<!here> Orders',
      'https://api.example.com/drill-runs/run-1',
    );
    const blocks = JSON.stringify(message.blocks);
    expect(message.text).toBe('Drill FAILED: &lt;!here&gt; Orders (run run-1)');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<https://evil');
    expect(blocks).toContain('&lt;!channel&gt;');
  });

  it('goes to the drills channel, else the default one', () => {
    const base = { teamId: 'T0IRDR', channels: { default: 'C0DEFAULT' } };
    expect(drillReportChannel(SlackConfig.parse(base))).toBe('C0DEFAULT');
    expect(drillReportChannel(SlackConfig.parse({ ...base, channels: { ...base.channels, drills: 'C0DRILLS' } }))).toBe('C0DRILLS');
  });
});
