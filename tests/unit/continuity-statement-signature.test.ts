import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { buildContinuityStatement } from '../../functions/domain/evidence/continuity-statement.js';
import { checkStatement } from '../../functions/domain/evidence/continuity-statement-check.js';
import { statementHtml } from '../../functions/domain/evidence/continuity-statement-html.js';
import { signStatement, statementSignedMessage } from '../../functions/domain/evidence/continuity-statement-signature.js';
import { buildManifest, keySigner, manifestText, sha256Hex, signManifest, signedMessage } from '../../functions/domain/evidence/export-manifest.js';

const keys = () => generateKeyPairSync('ed25519');
const ours = keys();
const theirs = keys();
const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z', label: '28d' };

async function signedPair(report = '<p>report</p>') {
  const files = [{ name: 'report.html', content: Buffer.from(report) }];
  const manifest = await signManifest(
    buildManifest({ period, tableName: 'irdr-prod', generatedAt: period.to, trails: { incidents: 0, drillRuns: 0, total: 0, broken: 0 }, heads: [] }, files),
    keySigner(ours.privateKey),
  );
  const unsigned = buildContinuityStatement({
    period,
    generatedAt: period.to,
    plans: [{ id: 'orders-pitr', schedule: { expression: 'rate(7 days)', timeZone: 'UTC', enabled: true }, targets: { rtoMinutes: 60, rpoMinutes: 15 } }],
    aliases: {},
    runs: [],
    incidents: [],
    coverageByType: [],
    evidenceExport: { format: manifest.format, generatedAt: manifest.generatedAt, manifestSha256: sha256Hex(Buffer.from(manifestText(manifest))), trails: { total: 0, broken: 0 } },
  });
  const statement = await signStatement(unsigned, keySigner(ours.privateKey));
  return { statement, exported: { manifestText: manifestText(manifest), files: new Map(files.map(({ name, content }) => [name, content])) } };
}

describe('checking a continuity statement', () => {
  it('passes the JSON and the page signed by the pinned key, tied to the export they summarise', async () => {
    const { statement, exported } = await signedPair();
    const json = checkStatement(JSON.stringify(statement, null, 2), ours.publicKey, exported);
    expect(json).toMatchObject({ signature: 'valid', problems: [] });
    const page = checkStatement(statementHtml(statement), ours.publicKey, exported);
    expect(page).toMatchObject({ signature: 'valid', problems: [] });
  });

  it('fails a statement whose figure was edited, naming the changed signature', async () => {
    const { statement } = await signedPair();
    const edited = JSON.stringify(statement).replace('"verdict":"no-drills"', '"verdict":"met"');
    expect(edited).not.toBe(JSON.stringify(statement));
    expect(checkStatement(edited, ours.publicKey).problems).toEqual(['the signature does not match the statement: it was changed after it was signed']);
  });

  it('fails a statement edited and re-signed with another key, naming the key', async () => {
    const { statement } = await signedPair();
    const forged = await signStatement({ ...statement, drills: { ...statement.drills, verdict: 'met', summary: 'Every plan met its cadence.' } }, keySigner(theirs.privateKey));
    const check = checkStatement(JSON.stringify(forged), ours.publicKey);
    expect(check.signature).toBe('wrong-key');
    expect(check.problems[0]).toMatch(/^signed by sha256:[0-9a-f]{64}, not by the pinned key$/);
  });

  it('fails a page whose visible text was changed though its JSON is intact, and one with a byte flipped in its JSON', async () => {
    const { statement } = await signedPair();
    const page = statementHtml(statement);
    const visible = page.replace('No restore drill ran in this period', 'Every restore drill passed in this period');
    expect(checkStatement(visible, ours.publicKey).problems).toEqual(['the page differs from what its signed statement renders to: its visible text was changed']);
    const at = page.indexOf('"manifestSha256":"') + '"manifestSha256":"'.length;
    const flipped = page.slice(0, at) + (page[at] === '0' ? '1' : '0') + page.slice(at + 1);
    expect(checkStatement(flipped, ours.publicKey).problems).toContain('the signature does not match the statement: it was changed after it was signed');
  });

  it('fails when the export given is another one, or was changed', async () => {
    const { statement, exported } = await signedPair();
    const other = await signedPair('<p>another period</p>');
    expect(checkStatement(JSON.stringify(statement), ours.publicKey, other.exported).problems[0]).toMatch(/^the export is not the one this statement summarises: its manifest has SHA-256 [0-9a-f]{64}, the statement names [0-9a-f]{64}$/);
    const changed = { ...exported, files: new Map([['report.html', Buffer.from('<p>rewritten</p>')]]) };
    expect(checkStatement(JSON.stringify(statement), ours.publicKey, changed).problems).toEqual([expect.stringMatching(/^export: report\.html: changed/)]);
  });

  it('refuses a statement with a field the format does not have (nothing rides along unseen), and an unsigned one', async () => {
    const { statement } = await signedPair();
    expect(checkStatement(JSON.stringify({ ...statement, internal: { table: 'orders' } }), ours.publicKey).problems[0]).toMatch(/^not an irdr continuity statement/);
    const { signature: _signature, ...unsigned } = statement;
    expect(checkStatement(JSON.stringify(unsigned), ours.publicKey).problems).toEqual(['the statement is not signed']);
  });

  it('signs a message no export manifest signature can be replayed for, and back', async () => {
    const { statement } = await signedPair();
    const { signature: _signature, ...body } = statement;
    expect(statementSignedMessage(body).toString()).toMatch(/^irdr-continuity-statement sha256:/);
    expect(statementSignedMessage(body).equals(signedMessage(body))).toBe(false);
    expect(canonicalize(body)).toBeDefined();
  });

  it('escapes every value on the page and carries its JSON inert, under a CSP that allows no script', async () => {
    const { statement } = await signedPair();
    const hostile = { ...statement, period: { ...statement.period, label: '</script><script>alert(1)</script>' } };
    const page = statementHtml(hostile);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;[^"]*script-src &#39;none&#39;">/);
  });
});
