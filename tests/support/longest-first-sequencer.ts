import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Each long file's wall seconds in a quiet full run (`<project>:<path>`, files of 3 s or more), kept in the repository:
 * a fresh clone (CI) has no vitest results cache, and vitest then starts files by size, so a short big file could start
 * before a long small one and leave it running alone at the end.
 */
const KNOWN_SECONDS: Readonly<Record<string, number>> = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'));

/**
 * vitest's own order (projects in turn, then the longest first by the last run's durations) when every file has a last
 * run; otherwise, within each project, the longest first by KNOWN_SECONDS, then the largest.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const keyOf = (file: TestSpecification) => `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
    if (files.every((file) => this.ctx.cache.getFileTestResults(keyOf(file)) !== undefined)) return super.sort(files);
    const sizeOf = (file: TestSpecification) => this.ctx.cache.getFileStats(keyOf(file))?.size ?? 0;
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        (a.project.name === b.project.name ? 0 : a.project.name < b.project.name ? -1 : 1) ||
        (KNOWN_SECONDS[keyOf(b)] ?? 0) - (KNOWN_SECONDS[keyOf(a)] ?? 0) ||
        sizeOf(b) - sizeOf(a),
    );
  }
}
