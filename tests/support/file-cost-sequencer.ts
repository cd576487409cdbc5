import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { interleavedOrder, type FileCost } from './file-order.js';

/**
 * Each file's wall and CPU seconds in quiet full runs, kept in the repository (tests/support/record-file-costs.ts writes
 * it): a fresh clone (CI) has no vitest results cache, and vitest's cache knows no CPU.
 */
const RECORDED_COSTS: Readonly<Record<string, FileCost>> = JSON.parse(readFileSync(new URL('./file-costs.json', import.meta.url), 'utf8'));

/**
 * Projects in vitest's order (group, then name); within each, the long files first, then the rest interleaved by
 * their CPU share (tests/support/file-order.ts). A file not recorded yet goes by its last run's duration, else as a
 * 1 s file, at the recorded files' mean CPU share.
 */
export class FileCostSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const recorded = Object.values(RECORDED_COSTS);
    const meanShare = recorded.reduce((sum, cost) => sum + cost.cpu, 0) / Math.max(1, recorded.reduce((sum, cost) => sum + cost.wall, 0));
    const costOf = (file: TestSpecification): FileCost => {
      const path = relative(this.ctx.config.root, file.moduleId);
      const known = RECORDED_COSTS[path];
      if (known) return known;
      const lastRun = this.ctx.cache.getFileTestResults(`${file.project.name}:${path}`);
      const wall = lastRun ? lastRun.duration / 1000 : 1;
      return { wall, cpu: wall * meanShare };
    };
    const projects = new Map<string, TestSpecification[]>();
    for (const file of files) projects.set(file.project.name, [...(projects.get(file.project.name) ?? []), file]);
    return [...projects.values()]
      .sort(([a], [b]) => a!.project.config.sequence.groupOrder - b!.project.config.sequence.groupOrder || (a!.project.name < b!.project.name ? -1 : 1))
      .flatMap((projectFiles) => interleavedOrder(projectFiles, costOf, projectFiles[0]!.project.config.maxWorkers));
  }
}
