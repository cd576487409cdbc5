import { describe, expect, it } from 'vitest';
import { barChart, barChartSvg } from '../../functions/domain/evidence/bar-chart.js';

describe('the RTO/RPO bar chart', () => {
  const chart = barChart('Worst achieved RTO', [
    { label: 'orders-pitr', valueSeconds: 900, targetSeconds: 3600 },
    { label: 'ledger', valueSeconds: 7200, targetSeconds: 3600 },
    { label: 'no-target', valueSeconds: 1800 },
    { label: 'never-ran', targetSeconds: 600 },
  ]);

  it('scales every bar and target marker to the largest value or target', () => {
    expect(chart.scaleSeconds).toBe(7200);
    expect(chart.plotWidth).toBe(340);
    expect(chart.rows.map((row) => [row.label, row.barWidth, row.targetX, row.verdict])).toEqual([
      ['orders-pitr', 42.5, 180 + 170, 'within-target'],
      ['ledger', 340, 180 + 170, 'over-target'],
      ['no-target', 85, undefined, 'no-target'],
      ['never-ran', 0, 180 + 28.3, 'not-measured'],
    ]);
  });

  it('draws a measured 0 s (or a value too small for a pixel) as a narrow bar, unlike one never measured', () => {
    const rows = barChart('RPO', [
      { label: 'zero', valueSeconds: 0, targetSeconds: 900 },
      { label: 'tiny', valueSeconds: 0.1, targetSeconds: 900 },
      { label: 'never', targetSeconds: 900 },
    ]).rows;
    expect(rows.map((row) => [row.label, row.barWidth, row.verdict])).toEqual([
      ['zero', 2, 'within-target'],
      ['tiny', 2, 'within-target'],
      ['never', 0, 'not-measured'],
    ]);
  });

  it('keeps a target longer than every value inside the chart', () => {
    const [row] = barChart('RPO', [{ label: 'p', valueSeconds: 60, targetSeconds: 900 }]).rows;
    expect(row).toMatchObject({ barWidth: 22.7, targetX: 180 + 340 });
  });

  it('draws one bar and one caption per plan, coloured by whether it met its target', () => {
    const svg = barChartSvg(chart).text;
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg.match(/<line /g)).toHaveLength(3);
    expect(svg).toContain('width="42.5" height="16" fill="#2e7d32"');
    expect(svg).toContain('width="340" height="16" fill="#c62828"');
    expect(svg).toContain('>2 h; target 60 min</text>');
    expect(svg).toContain('>not measured; target 10 min</text>');
    expect(svg).toContain(`viewBox="0 0 720 ${8 + 4 * 28 + 8}"`);
  });

  it('escapes labels', () => {
    expect(barChartSvg(barChart('t', [{ label: '<b>x</b>', valueSeconds: 1 }])).text).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
