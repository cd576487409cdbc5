/** What one test file cost in a quiet full run: its wall seconds and the CPU seconds it took in them. */
export interface FileCost {
  readonly wall: number;
  readonly cpu: number;
}

/** Files at least this long start first, longest first: started later, one runs on alone at the end. */
export const HEAD_SECONDS = 25;

/**
 * The order to start files in on `workers` workers: the long ones first, then, each time a worker frees up (as the
 * recorded walls say), of the longest files left (within half the longest's wall) the one whose CPU share (cpu / wall)
 * brings the running files' demand closest to the run's average. Longest-first alone sorts files of alike length
 * together whatever they do, so five files that mostly wait on timers can hold every worker while the cores idle.
 */
export function interleavedOrder<T>(files: readonly T[], costOf: (file: T) => FileCost, workers: number): T[] {
  const left = files.map((file) => ({ file, ...costOf(file) })).sort((a, b) => b.wall - a.wall);
  const wall = left.reduce((sum, file) => sum + file.wall, 0);
  const share = (file: FileCost) => (file.wall > 0 ? file.cpu / file.wall : 0);
  const averageDemand = wall > 0 ? (workers * left.reduce((sum, file) => sum + file.cpu, 0)) / wall : 0;
  const slots = Array.from({ length: Math.max(1, workers) }, () => ({ end: 0, share: 0 }));
  const order: T[] = [];
  while (left.length > 0) {
    const slot = slots.reduce((first, candidate) => (candidate.end < first.end ? candidate : first));
    const running = slots.filter((other) => other !== slot && other.end > slot.end).reduce((sum, other) => sum + other.share, 0);
    let pick = 0;
    if (left[0]!.wall < HEAD_SECONDS) {
      const shortest = left[0]!.wall / 2;
      let closest = Infinity;
      for (let index = 0; index < left.length && left[index]!.wall >= shortest; index += 1) {
        const distance = Math.abs(averageDemand - running - share(left[index]!));
        if (distance < closest) [closest, pick] = [distance, index];
      }
    }
    const [next] = left.splice(pick, 1);
    order.push(next!.file);
    slot.end += next!.wall;
    slot.share = share(next!);
  }
  return order;
}
