import { describe, expect, it } from 'vitest';
import { runDrillCheck } from '../../functions/aws/drill/checks/run-check.js';
import { dataApiReach } from '../../functions/aws/drill/sql/data-api-reach.js';
import { wireReach } from '../../functions/aws/drill/sql/wire-reach.js';
import type { DrillCheckContext } from '../../functions/domain/drill/check-result.js';
import { SqlCheck } from '../../functions/domain/drill/sql-check.js';

/*
 * Each checks function has one way to a database: RunDrillChecks the Data API, the validator in the drill VPC the wire.
 * A check that needs the other way (a wire plan's run prepared before the drill routed it to the validator, or a
 * plan reaching the wrong function) fails saying where it runs, before any endpoint, secret or connection is asked
 * for: the endpoint and the secret below do not exist, and nothing tries them.
 */

const check = SqlCheck.parse({ type: 'sql-row-count', table: 'orders', expected: 3 });
const contextVia = (via: 'wire' | 'data-api'): DrillCheckContext => ({
  runId: 'run-1',
  planId: 'ledger-rds',
  sourceTableName: 'ledger-db',
  restoredTableName: 'irdr-drill-ledger-rds-run-1',
  restored: { type: 'RDS', name: 'irdr-drill-ledger-rds-run-1' },
  recoveryPoint: { requestedAt: '2026-12-07T09:00:00.000Z', at: '2026-12-07T09:00:00.000Z' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  sqlAccess: { via, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:irdr/nowhere' },
  sqlDialect: 'postgres',
});

describe('where SQL checks run', () => {
  it('fails a wire check in RunDrillChecks, naming the validator, without reaching for the database', async () => {
    const result = await runDrillCheck(check, 'orders', contextVia('wire'), dataApiReach);
    expect(result).toMatchObject({ passed: false, details: { error: 'refused' } });
    expect(result.actual).toBe('the plan checks via wire; RunDrillChecks reaches databases via data-api only (the drill routes wire checks elsewhere: docs/sql-checks.md)');
  });

  it('fails a Data API check in the validator, and a SQL check in a function with no way to a database', async () => {
    expect((await runDrillCheck(check, 'orders', contextVia('data-api'), wireReach)).actual).toBe(
      'the plan checks via data-api; RunDrillWireChecks reaches databases via wire only (the drill routes data-api checks elsewhere: docs/sql-checks.md)',
    );
    expect((await runDrillCheck(check, 'orders', contextVia('wire'))).actual).toMatch(/^this function reaches no database/);
  });
});
