import { html, type SafeHtml } from './html.js';

/** One row of a stacked count chart, e.g. a month: its segments in legend order. */
export interface CountRow {
  readonly label: string;
  readonly counts: readonly number[];
}

export interface CountSeries {
  readonly name: string;
  readonly colour: string;
}

const LAYOUT = { width: 720, labelWidth: 120, captionWidth: 160, rowHeight: 24, barHeight: 14, top: 8, bottom: 8 } as const;

/**
 * Horizontal stacked bars of counts (labels right-aligned in `labelWidth`) (inline SVG, no external resources), one row per label, segments coloured by series;
 * the caption spells the non-zero counts out so the chart is readable without colour.
 */
export function countChartSvg(title: string, series: readonly CountSeries[], rows: readonly CountRow[], labelWidth: number = LAYOUT.labelWidth): SafeHtml {
  const plotWidth = LAYOUT.width - labelWidth - LAYOUT.captionWidth;
  const largest = Math.max(1, ...rows.map((row) => row.counts.reduce((sum, count) => sum + count, 0)));
  const height = LAYOUT.top + rows.length * LAYOUT.rowHeight + LAYOUT.bottom;
  const drawn = rows.map((row, index) => {
    const y = LAYOUT.top + index * LAYOUT.rowHeight;
    let x = labelWidth;
    const segments = row.counts.map((count, segment) => {
      const width = Math.round((count / largest) * plotWidth * 10) / 10;
      const rect = html`<rect x="${x}" y="${y + (LAYOUT.rowHeight - LAYOUT.barHeight) / 2}" width="${width}" height="${LAYOUT.barHeight}" fill="${series[segment]?.colour ?? '#999'}"><title>${row.label}: ${count} ${series[segment]?.name ?? ''}</title></rect>`;
      x += width;
      return rect;
    });
    // Only what happened, so the caption fits: "2 SEV2, 1 SEV3".
    const caption = row.counts.flatMap((count, segment) => (count === 0 ? [] : [`${count} ${series[segment]?.name ?? ''}`])).join(', ') || '0';
    return html`<g><text x="${labelWidth - 8}" y="${y + LAYOUT.rowHeight / 2 + 4}" text-anchor="end">${row.label}</text>${segments}<text x="${labelWidth + plotWidth + 8}" y="${y + LAYOUT.rowHeight / 2 + 4}">${caption}</text></g>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${LAYOUT.width}" height="${height}" viewBox="0 0 ${LAYOUT.width} ${height}" role="img" aria-label="${title}" font-family="sans-serif" font-size="12">
<title>${title}</title>
${drawn}
</svg>`;
}

/** Records counted per calendar month (UTC) and per series, months in order. */
export function countsByMonth<Record>(records: readonly Record[], monthOf: (record: Record) => string, seriesOf: (record: Record) => number, seriesCount: number): CountRow[] {
  const months = new Map<string, number[]>();
  for (const record of records) {
    const month = monthOf(record).slice(0, 7);
    const counts = months.get(month) ?? Array.from({ length: seriesCount }, () => 0);
    const index = seriesOf(record);
    if (index >= 0 && index < seriesCount) counts[index]! += 1;
    months.set(month, counts);
  }
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, counts]) => ({ label, counts }));
}
