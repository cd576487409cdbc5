import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlsCsv } from '../../functions/domain/evidence/csv-rows.js';
import { estateCoverage } from '../../functions/domain/evidence/estate-coverage.js';
import { exportFiles } from '../../functions/domain/evidence/export-files.js';
import type { ControlRow } from '../../functions/domain/evidence/control-summary.js';
import { exportedDrillRun, exportedIncident, storedChainOf } from './support/evidence-fixtures.js';
import { FORMULA_LEADS, LINE_BREAKS, formulaLinesOutsideQuotes, parseRfc4180 } from './support/spreadsheet-lines.js';
import { binaryUnit } from '../support/binary-unit.js';

const mapping = { runbooks: { 'triage-notify': ['SOC2 CC7.3'] }, plans: { 'orders-pitr': ['SOC2 A1.3'] } };
const signOff = (by: string) => ({ verdict: 'exceptions', by, roles: ['auditor'], at: '2026-03-09T00:00:00.000Z', comment: 'late' });

/** An export whose attacker-reachable text (titles, names, ARNs, controls) all holds `text`. */
function exportWith(text: string) {
  // An exercise: listed in incidents.csv and in ir-plan-tests.csv, so both writers meet the text; and its corrective
  // action (title, owner, evidence) in corrective-actions.csv.
  const action = { actionId: 'ca-0000abcd', title: text, owner: text, dueAt: '2026-03-20T00:00:00.000Z' };
  const trail = storedChainOf([
    { type: 'action.created', at: '2026-03-02T00:00:00.000Z', actor: text, detail: action },
    { type: 'action.closed', at: '2026-03-03T00:00:00.000Z', actor: text, detail: { ...action, evidence: { note: text, link: text } } },
  ]);
  const incident = exportedIncident({ title: text, runbookId: text, controls: [text], signOff: signOff(text), mode: 'exercise' } as never, trail);
  const run = exportedDrillRun({ planId: text, requestedBy: text, sourceTableName: text, restoreTableName: text, failureIncidentId: text, signOff: signOff(text) } as never);
  // A protected resource whose name, type and ARN hold it (names come from AWS Backup, types and ARNs from the run too).
  const estate = estateCoverage({ protectedResources: [{ arn: text, type: text, name: text }], tables: [], tableArnOf: (name) => name }, [], { from: '2026-03-01', to: '2026-04-01' });
  return exportFiles({ period: { from: '2026-03-01', to: '2026-04-01' } as never, tableName: 'irdr', generatedAt: '2026-04-01T00:00:00.000Z', incidents: [incident], drillRuns: [run], controls: mapping, estateCoverage: estate });
}

/** Every CSV file of such an export, and controls.csv's writer given a row holding `text`. */
function exportedCsvFiles(text: string): Array<{ name: string; csv: string; holdsText: boolean }> {
  const { files } = exportWith(text);
  const controlRow: ControlRow = { id: 'SOC2 CC7.3' as never, framework: text, title: text, incidents: 1, drillRuns: 0, exceptions: 0, unreviewed: 0, irPlanTests: 0 };
  return [
    ...files.filter((file) => file.name.endsWith('.csv')).map((file) => ({ name: file.name, csv: file.content.toString('utf8'), holdsText: file.name !== 'controls.csv' })),
    // The exported controls.csv lists the fixed catalog; a row with hostile text checks its writer all the same.
    { name: 'controls.csv (any row)', csv: controlsCsv([controlRow]), holdsText: true },
  ];
}

/** What a careful reader must get back for a cell that held `text`: the text, with ' before a formula lead. */
const guarded = (text: string): string => (FORMULA_LEADS.some((lead) => text.startsWith(lead)) ? `'${text}` : text);

describe('CSV exports cannot start a row with a formula', () => {
  it('quotes the title of the review (bare LF then =cmd) so no physical line of incidents.csv starts with =cmd', () => {
    const title = "Console login\n=cmd|' /C calc'!A0";
    const [incidents] = exportedCsvFiles(title);
    expect(incidents!.name).toBe('incidents.csv');
    expect(formulaLinesOutsideQuotes(incidents!.csv)).toEqual([]);
    expect(incidents!.csv).toContain(`"Console login\n=cmd|' /C calc'!A0"`);
    const records = parseRfc4180(incidents!.csv);
    expect(records).toHaveLength(2);
    expect(records[1]![1]).toBe(title);
  });

  for (const lineBreak of LINE_BREAKS) {
    for (const lead of FORMULA_LEADS) {
      const text = `Console login${lineBreak}${lead}cmd|' /C calc'!A0`;
      it(`every CSV file: ${JSON.stringify(lead)} after ${JSON.stringify(lineBreak)} stays inside its cell`, () => {
        for (const { name, csv, holdsText } of exportedCsvFiles(text)) {
          expect(formulaLinesOutsideQuotes(csv), name).toEqual([]);
          const [header, ...rows] = parseRfc4180(csv);
          for (const row of rows) expect(row.length, name).toBe(header!.length);
          if (holdsText) expect(rows, name).toEqual([expect.arrayContaining([text])]);
        }
      });
    }
  }

  it('every formula lead at the start of a cell (after a break too) gets the guard', () => {
    for (const lead of FORMULA_LEADS) {
      for (const lineBreak of ['', ...LINE_BREAKS]) {
        const text = `${lineBreak}${lead}2+5+cmd|' /C calc'!A0`;
        for (const { name, csv, holdsText } of exportedCsvFiles(text)) {
          expect(formulaLinesOutsideQuotes(csv), name).toEqual([]);
          if (holdsText) expect(parseRfc4180(csv)[1], name).toContain(guarded(text));
        }
      }
    }
  });

  it('a plan or runbook id that names what every object inherits (constructor, toString) exports like any other (the property below found it)', () => {
    for (const text of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      for (const { name, csv, holdsText } of exportedCsvFiles(text)) {
        expect(formulaLinesOutsideQuotes(csv), name).toEqual([]);
        if (holdsText) expect(parseRfc4180(csv)[1], name).toContain(text);
      }
    }
  });

  it('property: no text in any cell of any CSV export lets a physical line start with a formula, and every cell reads back', () => {
    const piece = fc.oneof(
      fc.constantFrom(...LINE_BREAKS, ...FORMULA_LEADS, '"', ',', "'", ' '),
      fc.string({ unit: binaryUnit, maxLength: 8 }),
    );
    const text = fc.array(piece, { minLength: 1, maxLength: 12 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, (value) => {
        for (const { name, csv, holdsText } of exportedCsvFiles(value)) {
          expect(formulaLinesOutsideQuotes(csv), name).toEqual([]);
          const [header, ...rows] = parseRfc4180(csv);
          for (const row of rows) expect(row.length, name).toBe(header!.length);
          if (holdsText) expect(rows, name).toEqual([expect.arrayContaining([guarded(value)])]);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the HTML report of the same export (the other file a person opens)', () => {
  it('property: no text in a title, name or ARN reaches report.html as markup', () => {
    const markup = fc.constantFrom('<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '"><svg onload=alert(1)>', "'><a href=javascript:alert(1)>");
    fc.assert(
      fc.property(fc.string({ unit: binaryUnit, maxLength: 20 }), markup, fc.string({ maxLength: 20 }), (before, attack, after) => {
        const page = exportWith(`${before}${attack}${after}`).files.find((file) => file.name === 'report.html')!.content.toString('utf8');
        expect(page).not.toContain(attack);
        expect(page).not.toMatch(/<img src=x|<script>alert|<svg onload|<a href=javascript/);
      }),
      { numRuns: 200 },
    );
  });
});
