/**
 * The bench's year exported as an auditor in AWS would: POST /evidence/exports on the local stack (the export state
 * machine, its Map over the months, RunEvidenceExport's steps, the local S3 and KMS, all in the table's process as
 * `npm start` runs them), progress polled, the zip fetched by its presigned link and checked against the exports key.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { unzipSync } from 'fflate';
import { MANIFEST_FILE, checkExport } from '../functions/domain/evidence/export-manifest.js';
import type { EvidencePeriod } from '../functions/domain/evidence/exported-trail.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/stack-config.js';
import type { YearReady } from './export-year-table.js';

interface ExportView {
  readonly exportId: string;
  readonly status: string;
  readonly failure?: string;
  readonly progress: { readonly monthsCollected: number; readonly months: number; readonly eventsCollected: number };
  readonly trails?: { readonly total: number; readonly broken: number };
  readonly zip?: { readonly sha256: string };
  readonly download?: { readonly available: boolean; readonly url?: string; readonly reason?: string };
}

/** What the asynchronous export of the year took and gave. */
export interface AsyncExport {
  readonly seconds: number;
  /** Each distinct months-collected count the auditor's polls saw, in order. */
  readonly progressSeen: readonly number[];
  readonly months: number;
  readonly zipBytes: number;
  readonly incidents: number;
  readonly drillRuns: number;
  readonly broken: number;
}

const POLL_MS = 250;
const FETCH_ATTEMPTS = 3;

/**
 * fetch, tried again on a network error: the stack's one process renders the year between answers, so a kept-alive
 * connection can be closed by the server just as a poll reuses it (ECONNRESET), as any HTTP client must allow for.
 */
async function fetchAgain(url: string, init: RequestInit, what: string): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= FETCH_ATTEMPTS) throw new Error(`${what}: ${(error as Error).message} (${String((error as { cause?: unknown }).cause)})`, { cause: error });
      console.error(`${what}: ${(error as Error).message} (${String((error as { cause?: unknown }).cause)}); trying again`);
    }
  }
}
const POLL_LIMIT_MS = 15 * 60_000;

export async function exportAsynchronously(ready: YearReady, period: EvidencePeriod): Promise<AsyncExport> {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; view: ExportView }> => {
    const response = await fetchAgain(
      `${ready.apiUrl}${path}`,
      {
        method,
        headers: { authorization: `Bearer ${ready.auditorToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      },
      `${method} ${path}`,
    );
    return { status: response.status, view: (await response.json()) as ExportView };
  };
  const started = performance.now();
  const asked = await call('POST', '/evidence/exports', period);
  if (asked.status !== 202) throw new Error(`POST /evidence/exports answered ${asked.status}: ${JSON.stringify(asked.view)}`);
  const progressSeen: number[] = [];
  let view = asked.view;
  while (view.status === 'running') {
    if (progressSeen.at(-1) !== view.progress.monthsCollected) progressSeen.push(view.progress.monthsCollected);
    if (performance.now() - started > POLL_LIMIT_MS) throw new Error(`export ${view.exportId} still running after ${POLL_LIMIT_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    view = (await call('GET', `/evidence/exports/${view.exportId}`)).view;
  }
  if (view.status !== 'completed' || !view.download?.url) throw new Error(`export ${view.exportId} ended ${view.status}: ${view.failure ?? view.download?.reason}`);
  const download = await fetchAgain(view.download.url, {}, 'the download link');
  if (download.status !== 200) throw new Error(`the download link answered ${download.status}: ${await download.text()}`);
  const zip = Buffer.from(await download.arrayBuffer());
  const seconds = (performance.now() - started) / 1000;
  if (createHash('sha256').update(zip).digest('hex') !== view.zip?.sha256) throw new Error('the zip downloaded is not the one the export recorded');

  // Checked as an auditor would: against the exports key read from KMS itself.
  const kms = new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: ready.kmsEndpoint });
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/irdr-evidence-export-signing' }));
  kms.destroy();
  const entries = Object.entries(unzipSync(new Uint8Array(zip)));
  const manifest = entries.find(([name]) => name.endsWith(`/${MANIFEST_FILE}`))?.[1];
  const files = new Map(entries.filter(([name]) => !name.endsWith(`/${MANIFEST_FILE}`)).map(([name, content]) => [name.split('/').pop()!, Buffer.from(content)]));
  const check = checkExport(Buffer.from(manifest ?? []).toString('utf8'), files, createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' }));
  if (check.problems.length > 0 || check.signature !== 'valid') throw new Error(`the zip does not check: ${check.signature}; ${check.problems.join('; ')}`);
  const { trails } = JSON.parse(Buffer.from(manifest!).toString('utf8')) as { trails: { incidents: number; drillRuns: number; broken: number } };
  progressSeen.push(view.progress.monthsCollected);
  return { seconds, progressSeen, months: view.progress.months, zipBytes: zip.length, incidents: trails.incidents, drillRuns: trails.drillRuns, broken: trails.broken };
}
