/**
 * One export of the bench's year in a process of its own (forked by bench/export-year.ts), pointed at the endpoint it
 * is given before the SDK is imported: each front the bench compares gets a fresh exporter, so neither inherits the
 * other's heap, connections or JIT.
 */
import { localEnvironment } from '../local/stack-config.js';
import type { TrailRead, YearExport } from './export-year-run.js';

/** What the parent asks (one message) and is told back. */
export interface ExportRequest {
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly read: TrailRead;
}
export interface ExporterAnswer extends YearExport {
  /** This process's peak resident set: the export's own (plus the imports). */
  readonly peakRssMb: number;
}

if (process.send) {
  process.once('message', (request: ExportRequest) => {
    Object.assign(process.env, localEnvironment({ dynamodb: request.dynamodbEndpoint, stepFunctions: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' }));
    import('./export-year-run.js')
      .then(({ exportYear }) => exportYear(request.tableName, request.read))
      .then((exported) => process.send!({ ...exported, peakRssMb: process.resourceUsage().maxRSS / 1024 } satisfies ExporterAnswer, () => process.exit(0)))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
}
