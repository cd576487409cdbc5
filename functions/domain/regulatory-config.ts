import * as z from './zod.js';

/**
 * Where the sources disagree on when a stage's clock starts (docs/regulatory-stages.md): DORA's RTS counts the
 * intermediate report from the initial notification's submission and the final from the intermediate's, while
 * summaries count both from classification. The default is the stricter (earlier) reading: classification.
 */
export const RegulatoryConfig = z.strictObject({
  dora: z.prefault(z.strictObject({
    intermediateFrom: z._default(z.enum(['classification', 'initial-submitted']), 'classification'),
    finalFrom: z._default(z.enum(['classification', 'intermediate-submitted']), 'classification'),
  }), {}),
});
export type RegulatoryConfig = z.infer<typeof RegulatoryConfig>;
