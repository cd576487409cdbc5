/** Where a long export is: which trails it reads, how many of how many, and the events read so far. */
export interface ExportProgress {
  readonly phase: 'incidents' | 'drill runs';
  readonly collected: number;
  readonly total: number;
  readonly events: number;
}

export type ExportProgressListener = (progress: ExportProgress) => void;

/** One line of progress, e.g. `collecting incidents: 120/450 trails, 3,210 events`. */
export const progressLine = ({ phase, collected, total, events }: ExportProgress): string =>
  `collecting ${phase}: ${collected}/${total} trails, ${events} events`;
