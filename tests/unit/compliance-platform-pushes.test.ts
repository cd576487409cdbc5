import { describe, expect, it } from 'vitest';
import { CompliancePlatformsConfig } from '../../functions/domain/compliance-platform/config.js';
import { NONE, drillPlanResource, drillPlanSync, syncHash, type PlanStanding } from '../../functions/domain/compliance-platform/drill-plan-resources.js';
import { evidenceDocument, type SignedOffRecord } from '../../functions/domain/compliance-platform/evidence-document.js';
import { parsePushRequest, pushKey, recordPushes, resourcesPush } from '../../functions/domain/compliance-platform/push-plan.js';
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
