/** A duration for people reading a report: seconds under two minutes, minutes under two hours, then hours. */
export function durationText(seconds: number | undefined): string {
  if (seconds === undefined) return 'n/a';
  if (seconds < 120) return `${round(seconds)} s`;
  if (seconds < 7_200) return `${round(seconds / 60)} min`;
  return `${round(seconds / 3_600)} h`;
}

const round = (value: number): string => String(Math.round(value * 10) / 10);
