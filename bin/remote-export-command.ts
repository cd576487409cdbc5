import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { withApi, type ConnectionFlags } from './incident-commands.js';
import { prepareExportDirectory } from './export-directory.js';
import { apiPath } from './irdr-api-client.js';

export interface RemoteExportFlags extends ConnectionFlags {
  from: string;
  to: string;
  out: string;
}

interface ExportView {
  exportId: string;
  status: 'running' | 'completed' | 'failed';
  started?: boolean;
  progress: { monthsCollected: number; months: number; eventsCollected: number };
  failure?: string;
  zip?: { bytes: number; sha256: string; keyFingerprint: string };
  trails?: { total: number; broken: number };
  download?: { available: boolean; url?: string; expiresAt?: string; reason?: string };
}

const POLL_MS = 1_000;

/** `[#####-----] 5/12 months, 41,250 events`: one line, rewritten in place on a terminal. */
export const progressBar = ({ monthsCollected, months, eventsCollected }: ExportView['progress'], width = 20): string => {
  const filled = months === 0 ? width : Math.round((monthsCollected / months) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${monthsCollected}/${months} months, ${eventsCollected.toLocaleString('en-US')} events`;
};

/**
 * `irdr evidence export --remote`: POST /evidence/exports (or joins the running export of the period), shows its
 * progress on stderr until it ends, then downloads the signed zip through the link the API gives the auditor and
 * unpacks it into --out, where `irdr evidence check-export` checks it. A failed export exits 1 with its reason.
 */
export async function evidenceRemoteExportCommand(flags: RemoteExportFlags): Promise<void> {
  try {
    await prepareExportDirectory(flags.out);
  } catch (error) {
    console.error(`irdr: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  await withApi(flags, async (api) => {
    const started = await api.json<ExportView>('POST', '/evidence/exports', { body: { from: flags.from, to: flags.to } });
    console.error(`${started.started === false ? 'joined the running export' : 'started export'} ${started.exportId} of ${flags.from} .. ${flags.to}`);
    const stream = process.stderr;
    let view = started;
    while (view.status === 'running') {
      if (stream.isTTY) stream.write(`\r\x1b[2K${progressBar(view.progress)}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      view = await api.json<ExportView>('GET', apiPath('evidence', 'exports', started.exportId));
    }
    // The POST's answer never carries a link: an export that ended before the first look (joined as it finished) is read again.
    if (view === started && view.status === 'completed') view = await api.json<ExportView>('GET', apiPath('evidence', 'exports', started.exportId));
    stream.write(`${stream.isTTY ? '\r\x1b[2K' : ''}${progressBar(view.progress)}\n`);
    if (view.status === 'failed') {
      console.error(`irdr: export ${view.exportId} failed: ${view.failure ?? 'no reason recorded'}`);
      process.exitCode = 1;
      return;
    }
    if (!view.download?.available || !view.download.url) {
      console.error(`irdr: export ${view.exportId} is done, but no download link was given: ${view.download?.reason ?? 'ask as the auditor'}`);
      process.exitCode = 1;
      return;
    }
    const response = await fetch(view.download.url);
    if (!response.ok) throw new Error(`the download link answered ${response.status}`);
    const zip = new Uint8Array(await response.arrayBuffer());
    for (const [name, content] of Object.entries(unzipSync(zip))) {
      // The zip holds one folder (irdr-evidence_<from>_<to>/): its files go straight into --out, nothing outside it.
      const file = name.split('/').slice(1).join('/');
      if (file === '' || file.includes('..') || file.startsWith('/')) continue;
      await mkdir(dirname(join(flags.out, file)), { recursive: true });
      await writeFile(join(flags.out, file), content, { flag: 'wx' });
    }
    const trails = view.trails ? `${view.trails.total} trails, ${view.trails.broken} broken` : '';
    console.log(`exported ${trails} (${view.progress.eventsCollected} events, ${flags.from} .. ${flags.to}) to ${flags.out}; manifest signed by ${view.zip?.keyFingerprint} (check: irdr evidence check-export ${flags.out} --public-key-file <EvidenceExportSigningKeyArn's public key>)`);
    if (view.trails && view.trails.broken > 0) process.exitCode = 1;
  });
}
