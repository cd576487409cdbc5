import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../console/src/csv.js';
import { controlsCsv } from '../../functions/domain/evidence/csv-rows.js';

describe("the console reads the export's controls.csv as the export writes it", () => {
  it('keeps commas, doubled quotes, line breaks and formula-escaped leads inside their fields, and empty cells empty', () => {
    const rows = [
      { id: 'SOC2 CC7.3', framework: 'SOC 2', title: 'Evaluates security events, "incidents", and\r\nresponds', incidents: 3, drillRuns: 0, irPlanTests: 1, exceptions: 0, unreviewed: 2, lastTestedAt: '2026-12-07T10:00:00.000Z' },
      { id: 'ISO27001 A.5.30', framework: 'ISO/IEC 27001', title: '=HYPERLINK("http://evil")', incidents: 0, drillRuns: 4, irPlanTests: 0, exceptions: 1, unreviewed: 0 },
    ] as Parameters<typeof controlsCsv>[0];
    const parsed = parseCsv(controlsCsv(rows));
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ control: 'SOC2 CC7.3', title: 'Evaluates security events, "incidents", and\r\nresponds', incidents: '3', unreviewed: '2', lastTestedAt: '2026-12-07T10:00:00.000Z' });
    // The export escapes a formula lead with a quote; the console shows the cell as the file holds it.
    expect(parsed[1]).toMatchObject({ control: 'ISO27001 A.5.30', title: `'=HYPERLINK("http://evil")`, drillRuns: '4', exceptions: '1', lastTestedAt: '' });
  });
});
