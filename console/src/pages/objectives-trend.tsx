import type { Api } from '../api.js';
import { useLoad } from '../hooks.js';
import { duration } from '../time.js';

interface RunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly status: string;
  readonly rtoSeconds?: number;
  readonly rpo?: { readonly seconds: number };
}

const RUNS = 10;
const WIDTH = 160;
const HEIGHT = 40;

/**
 * Achieved RTO and RPO of a plan's last runs against its targets, oldest to newest: two lines under a dashed target line
 * each (scaled to the larger of target and worst run). An SVG drawn from data as elements, with the figures in its label.
 */
export function ObjectivesTrend({ api, planId, targets, refresh }: { api: Api; planId: string; targets: { rtoMinutes: number; rpoMinutes: number }; refresh: string }) {
  const [runs] = useLoad(() => api.get<{ runs: RunSummary[] }>(`/drills/${encodeURIComponent(planId)}/runs?limit=${RUNS}`), `${planId} ${refresh}`);
  if (runs.state !== 'ready') return <span>{runs.state === 'failed' ? runs.message : '…'}</span>;
  const oldestFirst = [...runs.value.runs].reverse();
  if (oldestFirst.length === 0) return <span>no runs yet</span>;
  const series = [
    { name: 'RTO', target: targets.rtoMinutes * 60, values: oldestFirst.map((run) => run.rtoSeconds), className: 'rto' },
    { name: 'RPO', target: targets.rpoMinutes * 60, values: oldestFirst.map((run) => run.rpo?.seconds), className: 'rpo' },
  ];
  const label = series
    .map(({ name, target, values }) => `${name} of the last ${values.length} runs, oldest first: ${values.map((value) => (value === undefined ? 'not achieved' : duration(value * 1000))).join(', ')} (target ${duration(target * 1000)})`)
    .join('. ');
  const x = (index: number): number => (oldestFirst.length === 1 ? WIDTH / 2 : (index * WIDTH) / (oldestFirst.length - 1));
  return (
    <svg class="trend" role="img" aria-label={label} viewBox={`-4 -4 ${WIDTH + 8} ${2 * HEIGHT + 12}`} width={WIDTH + 8} height={2 * HEIGHT + 12}>
      <title>{label}</title>
      {series.map(({ target, values, className }, row) => {
        const top = row * (HEIGHT + 4);
        const scale = Math.max(target, ...values.filter((value): value is number => value !== undefined)) || 1;
        const y = (value: number): number => top + HEIGHT - (value / scale) * HEIGHT;
        const points = values.flatMap((value, index) => (value === undefined ? [] : [`${x(index)},${y(value)}`]));
        return (
          <g class={className}>
            <line class="target" x1={0} x2={WIDTH} y1={y(target)} y2={y(target)} />
            {points.length > 1 && <polyline points={points.join(' ')} />}
            {values.map((value, index) => (value === undefined ? <circle class="missed" cx={x(index)} cy={top + HEIGHT} r={2.5} /> : <circle cx={x(index)} cy={y(value)} r={2.5} />))}
          </g>
        );
      })}
    </svg>
  );
}
