import { describe, expect, it } from 'vitest';
import { decideTableCleanup } from '../../functions/domain/drill/cleanup-guard.js';
import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../../functions/domain/drill-naming.js';

const runId = 'run-1';
const sourceTableName = 'orders';
const drillTable = `${DRILL_TABLE_PREFIX}orders-plan-${runId}`;
const ours = { [DRILL_RUN_TAG]: runId };

describe('decideTableCleanup', () => {
  it('allows a prefixed table, not the source, tagged by this run', () => {
    expect(decideTableCleanup({ tableName: drillTable, tags: ours, runId, sourceTableName })).toEqual({ allowed: true });
  });

  // Every combination of the three rules: prefix, not the source, this run's tag.
  const names = [
    { label: 'prefixed', tableName: drillTable, source: sourceTableName },
    { label: 'unprefixed', tableName: 'orders-copy', source: sourceTableName },
    { label: 'the source, unprefixed', tableName: sourceTableName, source: sourceTableName },
    // Plans forbid a prefixed source; the guard still refuses one.
    { label: 'the source, prefixed', tableName: drillTable, source: drillTable },
  ];
  const tagSets = [
    { label: 'this run', tags: ours },
    { label: 'another run', tags: { [DRILL_RUN_TAG]: 'run-2' } },
    { label: 'no run tag', tags: { team: 'sec' } },
  ];
  for (const name of names) {
    for (const tagSet of tagSets) {
      const allowed = name.label === 'prefixed' && tagSet.label === 'this run';
      it(`${allowed ? 'allows' : 'refuses'} ${name.label} tagged by ${tagSet.label}`, () => {
        const decision = decideTableCleanup({ tableName: name.tableName, tags: tagSet.tags, runId, sourceTableName: name.source });
        expect(decision.allowed).toBe(allowed);
      });
    }
  }

  it('refuses the source table even when it carries a forged run tag, because it is the source', () => {
    expect(decideTableCleanup({ tableName: sourceTableName, tags: ours, runId, sourceTableName })).toEqual({
      allowed: false,
      reason: 'orders is the drill\'s source table',
    });
    const prefixedSource = decideTableCleanup({ tableName: drillTable, tags: ours, runId, sourceTableName: drillTable });
    expect(prefixedSource).toMatchObject({ allowed: false, reason: expect.stringContaining('source table') });
  });

  it('refuses a table without the drill prefix, saying so', () => {
    expect(decideTableCleanup({ tableName: 'orders-copy', tags: ours, runId, sourceTableName })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining(`does not start with the drill prefix "${DRILL_TABLE_PREFIX}"`),
    });
  });

  it('refuses a prefixed table tagged by another run, naming both runs', () => {
    expect(decideTableCleanup({ tableName: drillTable, tags: { [DRILL_RUN_TAG]: 'run-2' }, runId, sourceTableName })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/tagged irdr:drill-run=run-2, not this run \(run-1\)/),
    });
  });

  it('refuses a prefixed table no run claimed', () => {
    expect(decideTableCleanup({ tableName: drillTable, tags: {}, runId, sourceTableName })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining(`has no ${DRILL_RUN_TAG} tag`),
    });
  });

  it('compares exactly: a run id that only starts like this one is another run', () => {
    expect(decideTableCleanup({ tableName: drillTable, tags: { [DRILL_RUN_TAG]: `${runId}0` }, runId, sourceTableName }).allowed).toBe(false);
    expect(decideTableCleanup({ tableName: drillTable.toUpperCase(), tags: ours, runId, sourceTableName }).allowed).toBe(false);
  });

  it('counts only a tag the table holds itself, not one its tag map inherits', () => {
    const inherited = Object.create({ [DRILL_RUN_TAG]: runId }) as Record<string, string>;
    expect(decideTableCleanup({ tableName: drillTable, tags: inherited, runId, sourceTableName })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining(`has no ${DRILL_RUN_TAG} tag`),
    });
  });
});
