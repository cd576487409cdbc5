import { describe, expect, it } from 'vitest';
import { CompliancePlatformsConfig } from '../../functions/domain/compliance-platform/config.js';
import { NONE, drillPlanResource, drillPlanSync, syncHash, type PlanStanding } from '../../functions/domain/compliance-platform/drill-plan-resources.js';
import { evidenceDocument, type SignedOffRecord } from '../../functions/domain/compliance-platform/evidence-document.js';
import { exportSummaryDocument, exportZipMismatch } from '../../functions/domain/compliance-platform/export-document.js';
import { evidencePushes, parsePushRequest, pushKey, recordPushes, resourcesPush, type ExportReference } from '../../functions/domain/compliance-platform/push-plan.js';
import type { ExportRecord } from '../../functions/domain/evidence/export-job.js';
import { VantaCustomResourceSync } from '../../functions/domain/compliance-platform/vanta-wire.js';
import type { DrillRunRecord } from '../../functions/domain/drill/run-record.js';
import { readPdf } from '../support/pdf-text.js';

const config = CompliancePlatformsConfig.parse({
  vanta: { documentId: 'dr-test-results', customResourceId: 'res-123' },
  drata: { apiUrl: 'https://drata.example/public', workspaceId: 1, ownerId: 7 },
});

const record: SignedOffRecord = {
  kind: 'drill-run',
  id: 'run-1',
  title: 'drill orders-pitr',
  signOff: { verdict: 'accepted', by: 'arn:aws:iam::000000000000:user/ann-auditor', roles: ['auditor'], at: '2026-12-01T10:00:00.000Z', comment: 'fine (really)' },
  signOffEvent: { seq: 9, hash: 'a'.repeat(64) },
  facts: ['Drill plan: orders-pitr', 'Verdict: passed'],
};

const run = (overrides: Partial<DrillRunRecord>): DrillRunRecord => ({
  runId: 'run-1', planId: 'orders', trigger: 'schedule', executionArn: 'arn:x', status: 'passed', startedAt: '2026-12-01T09:00:00.000Z', endedAt: '2026-12-01T09:20:00.000Z',
  targets: { rtoMinutes: 30, rpoMinutes: 15 }, rtoSeconds: 1200, rpo: { seconds: 300, method: 'canary' } as DrillRunRecord['rpo'],
  checks: [{ id: 'count', type: 'itemCount', passed: true, expected: '1', actual: '1' }] as unknown as DrillRunRecord['checks'], updatedAt: '2026-12-01T09:20:00.000Z',
  ...overrides,
});

const plan: PlanStanding['plan'] = { id: 'orders', title: 'Orders table', schedule: { expression: 'cron(0 3 ? * SUN *)', timeZone: 'UTC', enabled: true }, targets: { rtoMinutes: 30, rpoMinutes: 15 } };
const now = new Date('2026-12-07T12:00:00.000Z');
const planUrl = (id: string) => `https://irdr.example/drills/${id}`;

describe('what a signed-off record pushes', () => {
  it('pushes the report to the Vanta document and to Drata, each keyed by target, place and the sign-off trail hash', () => {
    const pushes = recordPushes(record, config);
    expect(pushes.map(({ target, where }) => [target, where])).toEqual([
      ['vanta-document', 'vanta document dr-test-results'],
      ['vanta-document-submit', 'vanta document dr-test-results'],
      ['drata-evidence', 'drata workspace 1 evidence library'],
    ]);
    expect(pushes.every((push) => push.evidenceHash === record.signOffEvent.hash)).toBe(true);
    expect(new Set(pushes.map((push) => push.key)).size).toBe(3);
  });

  it('plans the same keys for a re-sent sign-off of the same evidence, and new ones once the trail hash differs', () => {
    expect(recordPushes(record, config)).toEqual(recordPushes(structuredClone(record), config));
    const signedAgain = { ...record, signOffEvent: { seq: 11, hash: 'b'.repeat(64) } };
    const keys = new Set(recordPushes(record, config).map((push) => push.key));
    expect(recordPushes(signedAgain, config).some((push) => keys.has(push.key))).toBe(false);
  });

  it('pushes nothing where no platform is configured, and to Vanta only when Drata is left out', () => {
    expect(recordPushes(record, undefined)).toEqual([]);
    expect(recordPushes(record, { vanta: config.vanta }).map((push) => push.target)).toEqual(['vanta-document', 'vanta-document-submit']);
    expect(resourcesPush({ drata: config.drata }, 'h')).toBeUndefined();
  });

  it('keys differ by place: the same evidence to another document is another push', () => {
    expect(pushKey('vanta-document', 'vanta document a', 'h')).not.toBe(pushKey('vanta-document', 'vanta document b', 'h'));
    expect(pushKey('vanta-document', 'x', 'h')).not.toBe(pushKey('drata-evidence', 'x', 'h'));
  });
});

describe('the signed report document', () => {
  it('is a PDF a reader opens, naming the record, the sign-off and its trail hash, the same bytes each time it is rendered', async () => {
    const document = await evidenceDocument(record);
    const read = await readPdf(document.bytes);
    const text = read.pages.flat();
    expect(read.title).toBe('irdr continuity evidence: restore drill run run-1');
    expect(text).toContain('a'.repeat(64));
    expect(text).toContain('Comment: fine (really)');
    expect(text.some((line) => line.startsWith('Signed off: accepted by arn:aws:iam::000000000000:user/ann-auditor'))).toBe(true);
    expect(document.fileName).toBe('irdr-drill-run-run-1-aaaaaaaaaaaa.pdf');
    expect((await evidenceDocument(structuredClone(record))).sha256).toBe(document.sha256);
    expect(document.description).toContain('trail hash ' + 'a'.repeat(64));
  });

  it('runs onto more pages when long, and draws what its font cannot as ?, never as other letters', async () => {
    const { pages } = await readPdf((await evidenceDocument({ ...record, facts: Array.from({ length: 150 }, (_, index) => `line ${index} ünïcode 日本`) })).bytes);
    expect(pages.length).toBe(3);
    expect(pages.flat()).toContain('line 149 ünïcode ??');
  });
});

describe('drill plans as Vanta custom resources', () => {
  it('carries the last run, its verdict, RTO/RPO achieved against targets and days since the last pass', () => {
    const resource = drillPlanResource({ plan, lastRun: run({}), lastPassedAt: '2026-12-01T09:00:00.000Z' }, now, planUrl);
    expect(resource).toEqual({
      displayName: 'Restore drill: Orders table',
      uniqueId: 'irdr-drill-plan-orders',
      externalUrl: 'https://irdr.example/drills/orders',
      customProperties: {
        planId: 'orders', lastRunId: 'run-1', lastRunAt: '2026-12-01T09:00:00.000Z', verdict: 'passed', failing: false,
        rtoAchievedMinutes: 20, rtoTargetMinutes: 30, rtoMet: true, rpoAchievedMinutes: 5, rpoTargetMinutes: 15, rpoMet: true,
        daysSinceLastPass: 6, overdue: false,
      },
    });
    expect(VantaCustomResourceSync.safeParse(drillPlanSync('res-123', [{ plan }], now, planUrl)).success).toBe(true);
  });

  it('reads failing when the last run failed, overdue past twice the weekly interval, and -1 where nothing was measured or passed', () => {
    const failed = drillPlanResource({ plan, lastRun: run({ status: 'failed', rtoSeconds: undefined, rpo: undefined, checks: [{ id: 'count', type: 'itemCount', passed: false, expected: '1', actual: '0' }] as unknown as DrillRunRecord['checks'] }), lastPassedAt: '2026-11-20T09:00:00.000Z' }, now, planUrl);
    expect(failed.customProperties).toMatchObject({ verdict: 'failed', failing: true, rtoAchievedMinutes: NONE, rtoMet: false, rpoMet: false, daysSinceLastPass: 17, overdue: true });
    const never = drillPlanResource({ plan }, now, planUrl);
    expect(never.customProperties).toMatchObject({ verdict: 'never-run', daysSinceLastPass: NONE, overdue: true, failing: false });
    const disabled = drillPlanResource({ plan: { ...plan, schedule: { ...plan.schedule, enabled: false } }, lastPassedAt: '2026-12-07T09:00:00.000Z' }, now, planUrl);
    expect(disabled.customProperties.overdue).toBe(true);
  });

  it('hashes the same state the same way (plan order does not matter), and a changed day count differently', () => {
    const other = { plan: { ...plan, id: 'billing', title: 'Billing' } };
    const a = drillPlanSync('res-123', [{ plan }, other], now, planUrl);
    const b = drillPlanSync('res-123', [other, { plan }], now, planUrl);
    expect(syncHash(a)).toBe(syncHash(b));
    const passed = { plan, lastPassedAt: '2026-12-01T09:00:00.000Z' };
    expect(syncHash(drillPlanSync('res-123', [passed], now, planUrl))).not.toBe(syncHash(drillPlanSync('res-123', [passed], new Date(now.getTime() + 86_400_000), planUrl)));
  });
});

describe('config', () => {
  it('says what to change for a bad document id, a missing Drata URL or owner', () => {
    const bad = CompliancePlatformsConfig.safeParse({ vanta: { documentId: 'a/b', customResourceId: 'r' }, drata: { workspaceId: 1, ownerId: 0 } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
    expect(messages).toContain('vanta.documentId: the document id from its URL');
    expect(messages).toContain('drata.apiUrl');
    expect(messages).toContain('drata.ownerId: the Drata user id');
  });
});

describe('what the push function is invoked with', () => {
  it('takes a record after its sign-off, or nothing (the schedule), and refuses anything else', () => {
    expect(parsePushRequest({ subject: { kind: 'drill-run', id: 'run-1' } })).toEqual({ subject: { kind: 'drill-run', id: 'run-1' } });
    expect(parsePushRequest({})).toEqual({ scheduled: true });
    expect(parsePushRequest(null)).toEqual({ scheduled: true });
    // Keys and partitions are built from the id: nothing that could reach another partition or the queue's own items.
    for (const subject of [{ kind: 'drill-plans' }, { kind: 'incident', id: 'x#META' }, { kind: 'incident', id: '../x' }, { kind: 'incident', id: 'a'.repeat(129) }, { kind: 'incident', id: 7 }, { kind: 'run', id: 'x' }]) {
      expect(() => parsePushRequest({ subject }), JSON.stringify(subject)).toThrow('a push names its subject');
    }
  });

  it('takes retryRejected only as true beside a subject: the schedule never makes a rejected push again', () => {
    expect(parsePushRequest({ subject: { kind: 'incident', id: 'inc-1' }, retryRejected: true })).toEqual({ subject: { kind: 'incident', id: 'inc-1' }, retryRejected: true });
    for (const payload of [{ retryRejected: true }, { subject: { kind: 'incident', id: 'inc-1' }, retryRejected: 'yes' }, { subject: { kind: 'incident', id: 'inc-1' }, retryRejected: false }]) {
      expect(() => parsePushRequest(payload), JSON.stringify(payload)).toThrow('retryRejected is true, beside the subject');
    }
  });
});

describe('what an exported period pushes', () => {
  const exportId = `ex-${'0123456789abcdef'.repeat(2)}`;
  const zipKey = `exports/${exportId}/irdr-evidence_20260101T000000Z_20260201T000000Z.zip`;
  const zipSha256 = 'b'.repeat(64);
  const reference: ExportReference = { kind: 'evidence-export', id: exportId, zipKey, zipSha256 };
  const exported: ExportRecord = {
    exportId, period: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }, requestedBy: 'arn:aws:iam::000000000000:user/ann-auditor', requestedAt: '2026-12-01T10:00:00.000Z',
    status: 'completed', months: 1, completedAt: '2026-12-01T10:01:00.000Z', zipKey, zipBytes: 2048, zipSha256, keyFingerprint: `sha256:${'c'.repeat(64)}`, trails: { total: 3, broken: 0 },
  };

  it('takes the reference (id, its own zip, a SHA-256) and refuses one naming anything else of the bucket', () => {
    expect(parsePushRequest({ subject: reference })).toEqual({ subject: reference });
    for (const subject of [
      { ...reference, zipKey: `exports/${exportId}/parts/2026-01.json` },
      { ...reference, zipKey: `exports/${exportId}/../ex-${'f'.repeat(32)}/x.zip` },
      { ...reference, zipKey: `exports/ex-${'f'.repeat(32)}/irdr-evidence.zip` },
      { ...reference, zipSha256: 'B'.repeat(64) },
      { ...reference, zipSha256: undefined },
      { ...reference, id: 'ex-../x' },
    ]) {
      expect(() => parsePushRequest({ subject }), JSON.stringify(subject)).toThrow('an export push names');
    }
  });

  it('keys each push by the zip\'s SHA-256, as a record\'s by its sign-off hash', () => {
    expect(evidencePushes(zipSha256, config).map((push) => [push.target, push.key])).toEqual([
      ['vanta-document', pushKey('vanta-document', 'vanta document dr-test-results', zipSha256)],
      ['vanta-document-submit', pushKey('vanta-document-submit', 'vanta document dr-test-results', zipSha256)],
      ['drata-evidence', pushKey('drata-evidence', 'drata workspace 1 evidence library', zipSha256)],
    ]);
  });

  it('pushes the zip only when its bytes are the ones the export recorded and the reference names', () => {
    expect(exportZipMismatch(reference, exported, zipSha256)).toBeUndefined();
    expect(exportZipMismatch(reference, exported, 'd'.repeat(64))).toBe(`${zipKey} has SHA-256 ${'d'.repeat(64)}, not the ${zipSha256} the export signed and recorded: it changed after the export`);
    expect(exportZipMismatch(reference, exported, undefined)).toBe(`${zipKey} is not in the exports bucket`);
    expect(exportZipMismatch({ ...reference, zipSha256: 'd'.repeat(64) }, exported, 'd'.repeat(64))).toContain("the export's record");
    expect(exportZipMismatch(reference, undefined, zipSha256)).toBe(`export ${exportId} has no record`);
    expect(exportZipMismatch(reference, { ...exported, status: 'failed' }, zipSha256)).toContain('is failed, with no signed zip');
  });

  it("draws Drata's page naming the zip by its SHA-256, the same bytes each time", async () => {
    const page = await exportSummaryDocument(exported);
    expect(Buffer.from(page.bytes).equals(Buffer.from((await exportSummaryDocument(exported)).bytes))).toBe(true);
    const text = (await readPdf(page.bytes)).pages.flat().join('\n');
    expect(text).toContain(zipSha256);
    expect(text).toContain('Period 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z');
    expect(page).toMatchObject({ contentType: 'application/pdf', fileName: `irdr-evidence-export-${exportId}-bbbbbbbbbbbb.pdf`, description: expect.stringContaining(zipSha256) });
  });
});
