import { durationText } from './duration-text.js';
import { html, type SafeHtml } from './html.js';

/** One bar: an achieved duration against its target. */
export interface BarChartEntry {
  readonly label: string;
  readonly valueSeconds?: number;
  readonly targetSeconds?: number;
  /** How many runs behind this bar achieved nothing (a failed check): the bar says so, whatever the others achieved. */
  readonly notAchieved?: number;
}

export interface BarChartRow extends BarChartEntry {
  /** Top of the row, in SVG units. */
  readonly y: number;
  readonly barWidth: number;
  /** Where the target's marker stands; undefined without a target. */
  readonly targetX?: number;
  readonly verdict: 'not-achieved' | 'within-target' | 'over-target' | 'no-target' | 'not-measured';
}

export interface BarChart {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** Where bars start and how wide the longest may be. */
  readonly plotX: number;
  readonly plotWidth: number;
  /** The duration a full-width bar stands for: the largest value or target, so every marker fits. */
  readonly scaleSeconds: number;
  readonly rows: readonly BarChartRow[];
}

const LAYOUT = { width: 720, labelWidth: 180, captionWidth: 200, rowHeight: 28, barHeight: 16, top: 8, bottom: 8 } as const;
const COLOURS = { 'not-achieved': '#7f0000', 'within-target': '#2e7d32', 'over-target': '#c62828', 'no-target': '#607d8b', 'not-measured': '#b0bec5' } as const;

const tenth = (value: number): number => Math.round(value * 10) / 10;
/** Pixels: the narrowest bar of a measured value, so an achieved 0 s is seen as measured, not as missing. */
const MIN_MEASURED_BAR = 2;

/** Lays out horizontal bars on one linear scale (0 .. the largest value or target). */
export function barChart(title: string, entries: readonly BarChartEntry[]): BarChart {
  const plotX = LAYOUT.labelWidth;
  const plotWidth = LAYOUT.width - LAYOUT.labelWidth - LAYOUT.captionWidth;
  const scaleSeconds = Math.max(1, ...entries.flatMap((entry) => [entry.valueSeconds ?? 0, entry.targetSeconds ?? 0]));
  const x = (seconds: number): number => tenth((seconds / scaleSeconds) * plotWidth);
  const rows = entries.map((entry, index): BarChartRow => {
    const { valueSeconds, targetSeconds } = entry;
    const notAchieved = (entry.notAchieved ?? 0) > 0;
    const verdict = notAchieved
      ? 'not-achieved'
      : valueSeconds === undefined
        ? 'not-measured'
        : targetSeconds === undefined
          ? 'no-target'
          : valueSeconds <= targetSeconds
            ? 'within-target'
            : 'over-target';
    return {
      ...entry,
      y: LAYOUT.top + index * LAYOUT.rowHeight,
      // Never reached: the bar runs the whole width, past any target, rather than looking short.
      // A measured value, even 0 s, is drawn (at least MIN_MEASURED_BAR wide): only "not measured" has no bar.
      barWidth: notAchieved ? plotWidth : valueSeconds === undefined ? 0 : Math.max(MIN_MEASURED_BAR, x(valueSeconds)),
      ...(targetSeconds !== undefined && { targetX: tenth(plotX + x(targetSeconds)) }),
      verdict,
    };
  });
  return { title, width: LAYOUT.width, height: LAYOUT.top + rows.length * LAYOUT.rowHeight + LAYOUT.bottom, plotX, plotWidth, scaleSeconds, rows };
}

function caption(row: BarChartRow): string {
  const target = row.targetSeconds === undefined ? 'no target' : `target ${durationText(row.targetSeconds)}`;
  if (row.verdict === 'not-achieved') return `not achieved (${row.notAchieved} ${row.notAchieved === 1 ? 'run' : 'runs'}); ${target}`;
  return row.valueSeconds === undefined ? `not measured; ${target}` : `${durationText(row.valueSeconds)}; ${target}`;
}

/** The chart as inline SVG (no external resources); labels are escaped like every other value on the page. */
export function barChartSvg(chart: BarChart): SafeHtml {
  const middle = (row: BarChartRow): number => row.y + LAYOUT.rowHeight / 2;
  const rows = chart.rows.map(
    (row) => html`<g>
<text x="${chart.plotX - 8}" y="${middle(row) + 4}" text-anchor="end">${row.label}</text>
<rect x="${chart.plotX}" y="${middle(row) - LAYOUT.barHeight / 2}" width="${row.barWidth}" height="${LAYOUT.barHeight}" fill="${COLOURS[row.verdict]}"><title>${row.label}: ${caption(row)}</title></rect>
${row.targetX === undefined ? '' : html`<line x1="${row.targetX}" x2="${row.targetX}" y1="${row.y + 2}" y2="${row.y + LAYOUT.rowHeight - 2}" stroke="#000" stroke-width="2" stroke-dasharray="3 2"/>`}
<text x="${chart.plotX + chart.plotWidth + 8}" y="${middle(row) + 4}">${caption(row)}</text>
</g>`,
  );
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${chart.width}" height="${chart.height}" viewBox="0 0 ${chart.width} ${chart.height}" role="img" aria-label="${chart.title}" font-family="sans-serif" font-size="12">
<title>${chart.title}</title>
${rows}
</svg>`;
}
