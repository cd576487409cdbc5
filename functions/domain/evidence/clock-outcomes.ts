import type { StoredTrailEvent } from '../chain-verify.js';

/** How a clock of an incident ended, as its trail tells: met in time, met late, missed (never met), or not over yet. */
export type ClockOutcome = 'on-time' | 'late' | 'missed' | 'stopped' | 'running';
export const CLOCK_OUTCOMES: readonly ClockOutcome[] = ['on-time', 'late', 'missed', 'stopped', 'running'];

export interface IncidentClock {
  readonly clockId: string;
  readonly title: string;
  /** `sla` (our promises) or `regulatory` (e.g. GDPR Art. 33's 72 hours). */
  readonly kind: string;
  readonly deadlineAt?: string;
  readonly outcome: ClockOutcome;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Every clock the trail started, with its outcome: the trail is the record, so nothing here reads the clock items.
 * Order-free: a clock met (or stopped) while its start was being recorded can precede its `clock.started`.
 */
export function clockOutcomes(events: readonly StoredTrailEvent[]): IncidentClock[] {
  const described = new Map<string, { title: string; kind: string; deadlineAt?: string; fromStart: boolean }>();
  const outcomes = new Map<string, ClockOutcome>();
  for (const { event } of events) {
    const detail = (event['detail'] ?? {}) as Record<string, unknown>;
    const clockId = text(detail['clockId']);
    if (clockId === undefined) continue;
    const outcome = outcomes.get(clockId);
    const met = outcome === 'on-time' || outcome === 'late';
    if (event['type'] === 'clock.started') {
      described.set(clockId, { title: text(detail['title']) ?? clockId, kind: text(detail['kind']) ?? 'sla', deadlineAt: text(detail['deadlineAt']), fromStart: true });
      if (outcome === undefined) outcomes.set(clockId, 'running');
    } else if (event['type'] === 'clock.met') {
      outcomes.set(clockId, detail['onTime'] === false ? 'late' : 'on-time');
      // Met before its branch started it (a fast step): TrackClock then stores it as of the kind the step names (older runs: regulatory).
      if (!described.get(clockId)?.fromStart) {
        described.set(clockId, { title: text(detail['title']) ?? clockId, kind: text(detail['kind']) ?? 'regulatory', deadlineAt: text(detail['deadlineAt']), fromStart: false });
      }
    } else if (event['type'] === 'clock.missed' && !met) {
      outcomes.set(clockId, 'missed');
    } else if (event['type'] === 'clock.stopped' && (outcome === undefined || outcome === 'running')) {
      outcomes.set(clockId, 'stopped');
    }
  }
  return [...described.entries()].map(([clockId, { title, kind, deadlineAt }]) => ({ clockId, title, kind, deadlineAt, outcome: outcomes.get(clockId)! }));
}

/** One clock (by kind and title) over the period's live incidents: how many of each outcome. */
export interface ClockTally {
  readonly kind: string;
  readonly title: string;
  readonly counts: Readonly<Record<ClockOutcome, number>>;
}

/** Regulatory clocks first (they carry legal weight), then by title. */
export function tallyClocks(clocksPerIncident: ReadonlyArray<readonly IncidentClock[]>): ClockTally[] {
  const tallies = new Map<string, { kind: string; title: string; counts: Record<ClockOutcome, number> }>();
  for (const clocks of clocksPerIncident) {
    for (const clock of clocks) {
      const key = `${clock.kind}\u0000${clock.title}`;
      const tally = tallies.get(key) ?? { kind: clock.kind, title: clock.title, counts: { 'on-time': 0, late: 0, missed: 0, stopped: 0, running: 0 } };
      tally.counts[clock.outcome] += 1;
      tallies.set(key, tally);
    }
  }
  return [...tallies.values()].sort((a, b) => (a.kind === b.kind ? a.title.localeCompare(b.title) : a.kind === 'regulatory' ? -1 : 1));
}
