import { irdrConfig } from '../config.js';
import { drillPlanSync, syncHash, type PlanStanding } from '../domain/compliance-platform/drill-plan-resources.js';
import { drillRunFacts, evidenceDocument, incidentFacts, type SignedOffRecord } from '../domain/compliance-platform/evidence-document.js';
import { PUSHED_EVENT, PUSH_REFUSED_EVENT, PUSH_REJECTED_EVENT, PUSH_REOPENED_EVENT, evidencePushes, recordPushes, resourcesPush, type PlannedPush, type PushSubject, type RecordSubject } from '../domain/compliance-platform/push-plan.js';
import type { VantaCustomResourceSync } from '../domain/compliance-platform/vanta-wire.js';
import type { DrillRunRecord } from '../domain/drill/run-record.js';
import { SIGN_OFF_EVENT, type SignOff } from '../domain/evidence/sign-off.js';
import { drillRunPk, evidenceExportPk, incidentPk } from '../domain/keys.js';
import { EvidenceRefused, exportDocuments } from './compliance-platform-export.js';
import { PlatformRejection, PlatformUnavailable, compliancePlatformCredentials, DEFAULT_RETRY_POLICY, type RetryPolicy } from './compliance-platform-client.js';
import { leasePush, pushRecordOf, queueSubject, reopenRejectedPush, settlePush, unqueueSubject } from './compliance-platform-store.js';
import { addDrataEvidence, submitVantaDocument, syncVantaResources, uploadVantaDocument } from './compliance-platform-vendors.js';
import { getRun, listRunsOfPlan } from './drill/drill-run-store.js';
import { bundledDrillPlans } from './drill/plans.js';
import { appendEvent, listEvents } from './event-trail.js';
import { getIncident } from './incident-store.js';

/** Who the trail names for a push: the push function itself, on no person's behalf. */
export const PUSH_ACTOR = 'irdr:compliance-platforms';

export interface PushTables {
  readonly tableName: string;
  readonly deduplicationTableName: string;
  /** The platforms' base URLs (VANTA_API_URL, DRATA_API_URL). */
  readonly vantaUrl: string;
  readonly drataUrl: string;
  /** The API's URL, for links back to a drill plan. */
  readonly apiUrl: string;
  /** The exports bucket (EVIDENCE_EXPORT_BUCKET): an exported period's zip is read from it. */
  readonly exportBucket?: string;
}

/** Where a subject's pushes are recorded: its own trail. */
const trailPkOf = (subject: RecordSubject): string =>
  subject.kind === 'incident' ? incidentPk(subject.id) : subject.kind === 'drill-run' ? drillRunPk(subject.id) : evidenceExportPk(subject.id);

export interface PushOutcome {
  readonly target: PlannedPush['target'];
  readonly where: string;
  readonly evidenceHash: string;
  /** pushed now; done before (a retry or re-sent sign-off); rejected now or before (4xx, never retried); pending (to be retried); busy (another invocation holds it). */
  readonly result: 'pushed' | 'done-before' | 'rejected' | 'rejected-before' | 'pending' | 'busy';
  readonly vendorId?: string;
  readonly message?: string;
}

interface PushWork {
  readonly push: PlannedPush;
  /** Makes the push; its answer's id. */
  readonly make: () => Promise<string>;
}

/** The record as signed off: its sign-off event (the newest) pins the trail; undefined when it is not signed off. */
async function signedOffRecord(tableName: string, subject: Extract<PushSubject, { kind: 'incident' | 'drill-run' }>): Promise<{ record: SignedOffRecord; run?: DrillRunRecord } | undefined> {
  const partitionKey = trailPkOf(subject);
  const signOffEvent = (await listEvents(tableName, partitionKey)).filter((event) => event.type === SIGN_OFF_EVENT).at(-1);
  if (!signOffEvent) return undefined;
  const detail = (signOffEvent.detail ?? {}) as { verdict: SignOff['verdict']; roles: SignOff['roles']; comment?: string };
  const signOff: SignOff = { verdict: detail.verdict, roles: detail.roles, by: signOffEvent.actor, at: signOffEvent.at, ...(detail.comment !== undefined && { comment: detail.comment }) };
  const pinned = { seq: signOffEvent.seq, hash: signOffEvent.hash };
  if (subject.kind === 'incident') {
    const incident = await getIncident(tableName, subject.id);
    if (!incident) return undefined;
    return { record: { kind: 'incident', id: subject.id, title: incident.title, signOff, signOffEvent: pinned, facts: incidentFacts(incident) } };
  }
  const run = await getRun(tableName, subject.id);
  if (!run) return undefined;
  return { record: { kind: 'drill-run', id: subject.id, title: `drill ${run.planId}`, signOff, signOffEvent: pinned, facts: drillRunFacts(run) }, run };
}

/** Each bundled plan with its newest finished run and newest pass (GSI2, newest first; a few pages at most). */
async function planStandings(tableName: string): Promise<PlanStanding[]> {
  return Promise.all(
    bundledDrillPlans().map(async (plan): Promise<PlanStanding> => {
      let lastRun: DrillRunRecord | undefined;
      let lastPassedAt: string | undefined;
      let after: string | undefined;
      for (let page = 0; page < 8 && lastPassedAt === undefined; page += 1) {
        const found = await listRunsOfPlan(tableName, plan.id, 25, after);
        for (const run of found.runs) {
          if (run.status !== 'passed' && run.status !== 'failed') continue;
          lastRun ??= run;
          if (run.status === 'passed') {
            lastPassedAt = run.startedAt;
            break;
          }
        }
        if (!found.next) break;
        after = found.next;
      }
      return { plan: { id: plan.id, title: plan.title, schedule: plan.schedule, targets: plan.targets }, ...(lastRun && { lastRun }), ...(lastPassedAt && { lastPassedAt }) };
    }),
  );
}

/** What to push for a subject, each with how to make it; nothing when no platform is configured or the record is not signed off. */
async function workFor(tables: PushTables, subject: PushSubject, now: Date, policy: RetryPolicy): Promise<{ work: PushWork[]; trailPk?: string }> {
  const config = irdrConfig.compliancePlatforms;
  if (!config?.vanta && !config?.drata) return { work: [] };
  const credentials = () => compliancePlatformCredentials();
  const work: PushWork[] = [];
  let trailPk: string | undefined;
  if (subject.kind === 'evidence-export') {
    // Keyed by the zip's SHA-256 as the export recorded it; the bytes are read and held to it only when a push is made.
    if (!tables.exportBucket) throw new Error('EVIDENCE_EXPORT_BUCKET is not set: an exported period cannot be read');
    const documents = exportDocuments(tables.tableName, tables.exportBucket, subject);
    for (const push of evidencePushes(subject.zipSha256, config)) {
      const make =
        push.target === 'vanta-document'
          ? async () => uploadVantaDocument(tables.vantaUrl, config.vanta!, await credentials(), (await documents()).zip, policy)
          : push.target === 'vanta-document-submit'
            ? async () => submitVantaDocument(tables.vantaUrl, config.vanta!, await credentials(), policy)
            : async () => {
                const { summary, filedAt } = await documents();
                return addDrataEvidence(tables.drataUrl, config.drata!, await credentials(), summary, filedAt, policy);
              };
      work.push({ push, make });
    }
    return { work, trailPk: trailPkOf(subject) };
  }
  if (subject.kind !== 'drill-plans') {
    const signed = await signedOffRecord(tables.tableName, subject);
    if (!signed) return { work: [] };
    trailPk = trailPkOf(subject);
    const document = await evidenceDocument(signed.record);
    for (const push of recordPushes(signed.record, config)) {
      const make =
        push.target === 'vanta-document'
          ? async () => uploadVantaDocument(tables.vantaUrl, config.vanta!, await credentials(), document, policy)
          : push.target === 'vanta-document-submit'
            ? async () => submitVantaDocument(tables.vantaUrl, config.vanta!, await credentials(), policy)
            : async () => addDrataEvidence(tables.drataUrl, config.drata!, await credentials(), document, signed.record.signOff.at, policy);
      work.push({ push, make });
    }
  }
  // Drill plans' standing: after a drill run's sign-off, and on the schedule (days since the last pass move daily).
  if (config.vanta && subject.kind !== 'incident') {
    const sync: VantaCustomResourceSync = drillPlanSync(config.vanta.customResourceId, await planStandings(tables.tableName), now, (planId) => `${tables.apiUrl}/drills/${encodeURIComponent(planId)}`);
    const push = resourcesPush(config, syncHash(sync))!;
    work.push({ push, make: async () => syncVantaResources(tables.vantaUrl, config.vanta!, await credentials(), sync, policy) });
  }
  return { work, ...(trailPk && { trailPk }) };
}

/**
 * Pushes a subject's evidence, each push once: queued first (so a lost invocation is retried by the schedule), then
 * each push made under its lease unless done before, recorded in its record and the subject's trail. A 4xx is recorded
 * with the vendor's message and never retried; a platform that stays unavailable leaves the push pending.
 */
export async function pushSubject(tables: PushTables, subject: PushSubject, now: Date, policy: RetryPolicy = DEFAULT_RETRY_POLICY, options: { retryRejected?: boolean } = {}): Promise<PushOutcome[]> {
  const { work, trailPk } = await workFor(tables, subject, now, policy);
  if (work.length === 0) {
    await unqueueSubject(tables.deduplicationTableName, subject);
    return [];
  }
  await queueSubject(tables.deduplicationTableName, subject, now.toISOString());
  const outcomes: PushOutcome[] = [];
  const settled = new Map<string, PushOutcome['result']>();
  for (const { push, make } of work) {
    const base = { target: push.target, where: push.where, evidenceHash: push.evidenceHash };
    let record = await pushRecordOf(tables.deduplicationTableName, push, subject, now.toISOString());
    // Asked to, once the cause of a 4xx is fixed: the rejected push is made again, the rejection kept in its record and trail.
    if (record.status === 'rejected' && record.settledAt !== undefined && options.retryRejected) {
      const at = new Date().toISOString();
      if (await reopenRejectedPush(tables.deduplicationTableName, push.key, record, at)) {
        if (trailPk) await appendEvent(tables.tableName, trailPk, { type: PUSH_REOPENED_EVENT, at, actor: PUSH_ACTOR, detail: { target: push.target, where: push.where, evidenceHash: push.evidenceHash, previousRejection: record.rejection, pushKey: push.key } });
      }
      record = await pushRecordOf(tables.deduplicationTableName, push, subject, now.toISOString());
    }
    if (record.status !== 'pending') {
      const result = record.status === 'pushed' ? 'done-before' : 'rejected-before';
      outcomes.push({ ...base, result, ...(record.vendorId && { vendorId: record.vendorId }), ...(record.rejection && { message: record.rejection.message }) });
      settled.set(push.target, result);
      continue;
    }
    // A document is submitted only once its file is there.
    const upload = settled.get('vanta-document');
    if (push.target === 'vanta-document-submit' && upload !== 'pushed' && upload !== 'done-before') {
      if (upload === 'rejected' || upload === 'rejected-before') outcomes.push({ ...base, result: 'rejected-before', message: 'its upload was rejected' });
      // Another invocation is uploading: it submits next.
      else if (upload === 'busy') outcomes.push({ ...base, result: 'busy', message: 'another invocation is uploading' });
      else outcomes.push({ ...base, result: 'pending', message: 'waits for the upload' });
      continue;
    }
    if (!(await leasePush(tables.deduplicationTableName, push.key, now))) {
      outcomes.push({ ...base, result: 'busy' });
      settled.set(push.target, 'busy');
      continue;
    }
    const at = new Date().toISOString();
    try {
      const vendorId = await make();
      await settlePush(tables.deduplicationTableName, push.key, { status: 'pushed', vendorId, at });
      if (trailPk) await appendEvent(tables.tableName, trailPk, { type: PUSHED_EVENT, at, actor: PUSH_ACTOR, detail: { target: push.target, where: push.where, evidenceHash: push.evidenceHash, vendorId, pushKey: push.key } });
      outcomes.push({ ...base, result: 'pushed', vendorId });
      settled.set(push.target, 'pushed');
    } catch (error) {
      if (error instanceof EvidenceRefused) {
        // Not the evidence that was signed: nothing is sent; recorded like a rejection, made again only when asked (push-again).
        await settlePush(tables.deduplicationTableName, push.key, { status: 'rejected', rejection: { status: 0, message: error.reason }, at });
        if (trailPk) await appendEvent(tables.tableName, trailPk, { type: PUSH_REFUSED_EVENT, at, actor: PUSH_ACTOR, detail: { target: push.target, where: push.where, evidenceHash: push.evidenceHash, reason: error.reason, pushKey: push.key } });
        outcomes.push({ ...base, result: 'rejected', message: error.reason });
        settled.set(push.target, 'rejected');
      } else if (error instanceof PlatformRejection) {
        await settlePush(tables.deduplicationTableName, push.key, { status: 'rejected', rejection: { status: error.status, message: error.vendorMessage }, at });
        if (trailPk) await appendEvent(tables.tableName, trailPk, { type: PUSH_REJECTED_EVENT, at, actor: PUSH_ACTOR, detail: { target: push.target, where: push.where, evidenceHash: push.evidenceHash, status: error.status, message: error.vendorMessage, pushKey: push.key } });
        outcomes.push({ ...base, result: 'rejected', message: error.vendorMessage });
        settled.set(push.target, 'rejected');
      } else {
        const message = error instanceof PlatformUnavailable ? error.detail : (error as Error).message;
        await settlePush(tables.deduplicationTableName, push.key, { status: 'pending', error: message, at });
        outcomes.push({ ...base, result: 'pending', message });
        settled.set(push.target, 'pending');
      }
    }
  }
  if (outcomes.every((outcome) => outcome.result !== 'pending' && outcome.result !== 'busy')) await unqueueSubject(tables.deduplicationTableName, subject);
  return outcomes;
}
